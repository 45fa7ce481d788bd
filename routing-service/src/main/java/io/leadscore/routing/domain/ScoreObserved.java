package io.leadscore.routing.domain;

import java.time.Instant;
import java.util.Map;

/** What routing takes from a ScoreChanged: the new score and the profile it was computed with. */
public record ScoreObserved(String modelId, int modelVersion, double score, String band, Instant computedAt,
        Map<String, Object> attributes, Instant sourceReceivedAt) {

    public ModelScore toModelScore() {
        return new ModelScore(modelId, modelVersion, score, band, computedAt);
    }
}
