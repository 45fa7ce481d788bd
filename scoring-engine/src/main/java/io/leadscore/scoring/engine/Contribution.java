package io.leadscore.scoring.engine;

import java.time.Instant;

/**
 * Points one rule added to a score.
 *
 * @param eventId the awarded fact; {@code null} for an attribute rule
 * @param attribute the profile field tested; {@code null} for an event rule
 * @param eventType {@code null} for an attribute rule
 * @param occurredAt {@code null} for an attribute rule
 * @param label the rule's label, for people (its id when the model gives none)
 * @param points the rule's points
 * @param decayFactor {@code 0.5^(age / halfLife)}; exactly 1 for attribute rules and models without a half-life
 * @param effectivePoints {@code points * decayFactor}, what this contribution adds to the raw score
 */
public record Contribution(Kind kind, String eventId, String attribute, String eventType, Instant occurredAt,
        String ruleId, String label, double points, double decayFactor, double effectivePoints) {

    public enum Kind {
        EVENT, ATTRIBUTE
    }
}
