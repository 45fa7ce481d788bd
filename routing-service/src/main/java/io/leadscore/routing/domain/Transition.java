package io.leadscore.routing.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One entry of a lead's stage history: a stage change, or an owner change within a stage ({@code from == to}).
 *
 * @param seq the lead's transition number, 1 for its first
 * @param from null for the lead's first transition
 * @param attributes the lead's profile when it happened
 * @param sourceReceivedAt when ingest received the event behind the score change that caused it, if any
 */
public record Transition(String transitionId, int seq, Stage from, Stage to, String ruleId, int policyVersion,
        String reason, String ownerRepId, String teamId, Instant slaDeadline, boolean alert, Instant changedAt,
        List<ModelScore> scores, Map<String, Object> attributes, Instant sourceReceivedAt) {
}
