package io.leadscore.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * A lead moved from one lifecycle stage to another, or changed owner within a stage. Published by routing on
 * {@link Topics#LEAD_STAGE_CHANGES} and, for {@code nurture}, {@code mql} and {@code sql}, also on the stage's queue
 * topic ({@link #queueTopic(String)}), keyed by tenant + lead.
 *
 * @param transitionId unique per transition and deterministic (the same lead history always yields the same ids), so
 *        consumers use it as their idempotency key
 * @param fromStage null when the lead is seen for the first time
 * @param ruleId the policy rule that fired, {@code default} when no rule matched, or {@link #RULE_FEEDBACK},
 *        {@link #RULE_REASSIGN} (owner changed, same stage: SLA escalation, explicit reassignment, or a waiting lead
 *        that finally got an owner) or {@link #RULE_SLA}
 * @param policyVersion the routing policy version that decided it; 0 is the built-in default policy
 * @param scores the lead's scores under every model when the transition happened
 * @param ownerRepId the owner after the transition; null when the lead waits in its team's queue or needs none
 * @param teamId the team whose queue the lead is in; null when no team matched and there is no default team
 * @param reason why, in words
 * @param slaDeadline by when the owner must accept (null when no SLA runs)
 * @param alert whether the owner is to be alerted: the policy asks for it for this stage ({@code alertStages}), and
 *     the owner did not take the lead itself (false when a rep claimed it from its team's queue)
 * @param attributes the lead's profile as last seen by routing
 * @param sourceReceivedAt copied from the ScoreChanged that caused the transition, for end-to-end latency
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeadStageChanged(
        int schemaVersion,
        String tenant,
        String leadId,
        String transitionId,
        String fromStage,
        String toStage,
        String ruleId,
        int policyVersion,
        List<ModelScore> scores,
        String ownerRepId,
        String teamId,
        String reason,
        @JsonDeserialize(using = FastInstantDeserializer.class) Instant slaDeadline,
        boolean alert,
        @JsonDeserialize(using = FastInstantDeserializer.class) Instant changedAt,
        Map<String, Object> attributes,
        @JsonDeserialize(using = FastInstantDeserializer.class) Instant sourceReceivedAt) {

    public static final int CURRENT_SCHEMA_VERSION = 1;

    public static final String RULE_DEFAULT = "default";
    public static final String RULE_FEEDBACK = "feedback";
    public static final String RULE_REASSIGN = "reassign";
    public static final String RULE_SLA = "sla";

    public String key() {
        return MessageKeys.leadKey(tenant, leadId);
    }

    /** The queue topic of a stage ({@code leads.nurture}, {@code leads.mql}, {@code leads.sql}), or null if none. */
    public static String queueTopic(String stage) {
        if (stage == null) {
            return null;
        }
        return switch (stage) {
            case "nurture" -> Topics.LEADS_NURTURE;
            case "mql" -> Topics.LEADS_MQL;
            case "sql" -> Topics.LEADS_SQL;
            default -> null;
        };
    }

    /**
     * One model's score behind the transition, with the rules contributing most (as scoring reported them), so an
     * alert can say why in plain words.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelScore(String modelId, int modelVersion, double score, String band,
            List<ScoreChanged.RuleContribution> topContributions) {

        public ModelScore(String modelId, int modelVersion, double score, String band) {
            this(modelId, modelVersion, score, band, List.of());
        }

        public ModelScore {
            topContributions = topContributions == null ? List.of() : List.copyOf(topContributions);
        }
    }
}
