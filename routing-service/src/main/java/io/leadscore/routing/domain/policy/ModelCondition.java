package io.leadscore.routing.domain.policy;

import java.util.List;
import java.util.Map;

import io.leadscore.routing.domain.ModelScore;

/**
 * A test of one model's band and/or score; every given part must hold. A lead without a score under the model never
 * matches.
 */
public record ModelCondition(String modelId, String band, List<String> bandIn, Double scoreGte, Double scoreLt)
        implements
            Condition {

    @Override
    public boolean test(Map<String, ModelScore> scores, Map<String, Object> attributes, double margin) {
        ModelScore s = scores.get(modelId);
        if (s == null) {
            return false;
        }
        if (band != null && !band.equals(s.band())) {
            return false;
        }
        if (bandIn != null && !bandIn.contains(s.band())) {
            return false;
        }
        if (scoreGte != null && !(s.score() >= scoreGte - margin)) {
            return false;
        }
        return scoreLt == null || s.score() < scoreLt + margin;
    }
}
