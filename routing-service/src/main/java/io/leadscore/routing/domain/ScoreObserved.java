package io.leadscore.routing.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What routing takes from a ScoreChanged: the new score and the profile it was computed with. */
public record ScoreObserved(String modelId, int modelVersion, double score, String band, Instant computedAt,
        Map<String, Object> attributes, Instant sourceReceivedAt, List<RuleReason> reasons) {

    public ScoreObserved(String modelId, int modelVersion, double score, String band, Instant computedAt,
            Map<String, Object> attributes, Instant sourceReceivedAt) {
        this(modelId, modelVersion, score, band, computedAt, attributes, sourceReceivedAt, List.of());
    }

    public ModelScore toModelScore() {
        return new ModelScore(modelId, modelVersion, score, band, computedAt, reasons);
    }
}
