package io.leadscore.notification.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One rep to be told about one routing fact. Everything every channel renders comes from here, so an alert that is
 * held for quiet hours or retried later says exactly what it would have said at once.
 *
 * @param sourceId the routing message's own idempotency key ({@code transitionId} or {@code escalationId})
 * @param repId who is alerted
 * @param ownerRepId the lead's owner after the fact (for an escalation: the new owner, if any)
 * @param previousOwnerRepId for an escalation: the owner who missed the SLA
 * @param routingReason routing's own words for the transition
 * @param attributes the lead's profile as routing last saw it
 */
public record Alert(
        String tenant,
        String leadId,
        String sourceId,
        AlertKind kind,
        String repId,
        String stage,
        String fromStage,
        String ruleId,
        String ownerRepId,
        String previousOwnerRepId,
        String teamId,
        List<Score> scores,
        String routingReason,
        Instant slaDeadline,
        Instant occurredAt,
        Instant sourceReceivedAt,
        Map<String, Object> attributes) {

    /**
     * One model's score behind the alert.
     *
     * @param reasons the rules contributing most to this score, largest effect first (may be empty)
     */
    public record Score(String modelId, int modelVersion, double score, String band, List<RuleReason> reasons) {

        public Score(String modelId, int modelVersion, double score, String band) {
            this(modelId, modelVersion, score, band, List.of());
        }

        public Score {
            reasons = reasons == null ? List.of() : List.copyOf(reasons);
        }
    }

    /**
     * One scoring rule's part in a score: how many events it awarded and what they are worth now.
     *
     * @param label the rule's label, for people; the rule id when routing sent none (older messages, and alerts
     *        stored before labels existed)
     */
    public record RuleReason(String ruleId, int count, double points, String label) {

        public RuleReason {
            label = label == null || label.isBlank() ? ruleId : label;
        }

        public RuleReason(String ruleId, int count, double points) {
            this(ruleId, count, points, null);
        }
    }

    /**
     * The delivery's idempotency key: one per (routing fact, channel, rep). A redelivered message yields the same key and
     * hits the unique constraint instead of sending again. Webhooks carry it as {@code webhook-id}.
     */
    public String idempotencyKey(Channel channel) {
        return sourceId + ":" + channel.wire() + ":" + repId;
    }
}
