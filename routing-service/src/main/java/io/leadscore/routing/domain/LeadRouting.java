package io.leadscore.routing.domain;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Routing's read model of one lead: its stage and owner, and the latest score per model with the profile they carry.
 *
 * @param stage null only before the lead's first transition
 * @param since when the lead entered its current stage
 * @param entryRuleId the rule that brought it into the stage (hysteresis measures against it)
 * @param slaDeadline by when the owner must accept; null when no SLA runs
 * @param cooldownUntil after a rejection, the lead cannot re-qualify before this
 * @param recheckAt when time alone may change a decision (dwell ends, cool-down ends, a waiting lead retries)
 * @param attributesAt computedAt of the score change the attributes came from, so an older one never overwrites them
 * @param transitionCount how many transitions the lead has had; the next one gets {@code transitionCount + 1}
 */
public record LeadRouting(String tenant, String leadId, Stage stage, Instant since, String entryRuleId,
        int policyVersion, String ownerRepId, String teamId, Instant slaDeadline, Instant cooldownUntil,
        Instant recheckAt, Map<String, ModelScore> scores, Map<String, Object> attributes, Instant attributesAt,
        int transitionCount, Instant sourceReceivedAt) {

    public LeadRouting {
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores == null ? Map.of() : scores));
        attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /** A lead routing has never seen. */
    public static LeadRouting unseen(String tenant, String leadId) {
        return new LeadRouting(tenant, leadId, null, null, null, 0, null, null, null, null, null, Map.of(), Map.of(),
                null, 0, null);
    }

    /**
     * Evolves the read model with a score change. Returns null when the change is not newer than what is already
     * applied for that model (a duplicate or a replay), which is what keeps replays from producing transitions.
     */
    public LeadRouting observe(ScoreObserved change) {
        ModelScore current = scores.get(change.modelId());
        if (current != null && !change.computedAt().isAfter(current.computedAt())) {
            return null;
        }
        Map<String, ModelScore> newScores = new LinkedHashMap<>(scores);
        newScores.put(change.modelId(), change.toModelScore());
        Builder b = toBuilder();
        b.scores = newScores;
        if (change.attributes() != null && (attributesAt == null || !change.computedAt().isBefore(attributesAt))) {
            b.attributes = change.attributes();
            b.attributesAt = change.computedAt();
        }
        if (change.sourceReceivedAt() != null) {
            b.sourceReceivedAt = change.sourceReceivedAt();
        }
        return b.build();
    }

    /** The lead waits in a team queue: it needs an owner but has none. */
    public boolean isWaiting() {
        return stage != null && stage.needsOwner() && ownerRepId == null;
    }

    public List<ModelScore> scoreList() {
        return List.copyOf(scores.values());
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A copy with some fields changed. */
    public static final class Builder {
        private final String tenant;
        private final String leadId;
        public Stage stage;
        public Instant since;
        public String entryRuleId;
        public int policyVersion;
        public String ownerRepId;
        public String teamId;
        public Instant slaDeadline;
        public Instant cooldownUntil;
        public Instant recheckAt;
        public Map<String, ModelScore> scores;
        public Map<String, Object> attributes;
        public Instant attributesAt;
        public int transitionCount;
        public Instant sourceReceivedAt;

        private Builder(LeadRouting l) {
            tenant = l.tenant;
            leadId = l.leadId;
            stage = l.stage;
            since = l.since;
            entryRuleId = l.entryRuleId;
            policyVersion = l.policyVersion;
            ownerRepId = l.ownerRepId;
            teamId = l.teamId;
            slaDeadline = l.slaDeadline;
            cooldownUntil = l.cooldownUntil;
            recheckAt = l.recheckAt;
            scores = l.scores;
            attributes = l.attributes;
            attributesAt = l.attributesAt;
            transitionCount = l.transitionCount;
            sourceReceivedAt = l.sourceReceivedAt;
        }

        public LeadRouting build() {
            return new LeadRouting(tenant, leadId, stage, since, entryRuleId, policyVersion, ownerRepId, teamId,
                    slaDeadline, cooldownUntil, recheckAt, scores, attributes, attributesAt, transitionCount,
                    sourceReceivedAt);
        }
    }
}
