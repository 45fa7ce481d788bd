package io.leadscore.routing.domain.policy;

import java.util.Map;

import io.leadscore.routing.domain.ModelScore;

/** A test over a lead's scores and profile attributes. */
public sealed interface Condition permits ModelCondition, AttributeCondition, AllOf, AnyOf {

    /**
     * @param margin points by which score thresholds are relaxed (0 for plain evaluation): {@code scoreGte x} holds
     *        from {@code x - margin}, {@code scoreLt x} below {@code x + margin}. Band and attribute tests ignore it.
     */
    boolean test(Map<String, ModelScore> scores, Map<String, Object> attributes, double margin);
}
