package io.leadscore.routing.domain.policy;

import java.util.List;
import java.util.Map;

import io.leadscore.routing.domain.ModelScore;

public record AnyOf(List<Condition> conditions) implements Condition {

    @Override
    public boolean test(Map<String, ModelScore> scores, Map<String, Object> attributes, double margin) {
        for (Condition c : conditions) {
            if (c.test(scores, attributes, margin)) {
                return true;
            }
        }
        return false;
    }
}
