package io.leadscore.routing.lead;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What the lead and queue endpoints answer. */
public final class LeadViews {

    private LeadViews() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ScoreView(String modelId, int modelVersion, double score, String band, Instant computedAt) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TransitionView(String transitionId, int seq, String fromStage, String toStage, String ruleId,
            int policyVersion, String reason, String ownerRepId, String teamId, Instant slaDeadline,
            Instant changedAt, List<Map<String, Object>> scores) {
    }

    /**
     * @param waiting the lead needs an owner and has none: it waits in its team's queue
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LeadStageView(String leadId, String stage, Instant since, String ownerRepId, String teamId,
            boolean waiting, Instant slaDeadline, Instant cooldownUntil, String entryRuleId, int policyVersion,
            double queueScore, List<ScoreView> scores, Map<String, Object> attributes,
            List<TransitionView> history) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record QueueItem(String leadId, String stage, double score, String ownerRepId, String teamId,
            Instant since, Instant slaDeadline) {
    }

    /** @param next pass as {@code after} to get the next page; absent on the last page */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record QueuePage(String stage, List<QueueItem> items, String next) {
    }
}
