package io.leadscore.scoring.engine;

import java.time.Instant;

/**
 * A fact that matched a rule but earned nothing because the rule's {@code maxTimes} was already reached.
 *
 * @param label the rule's label, for people (its id when the model gives none)
 * @param reason for people, for example {@code maxTimes 3 per P7D reached: awarded e1, e2, e3}
 */
public record CappedMatch(String eventId, String eventType, Instant occurredAt, String ruleId, String label,
        double points, String reason) {
}
