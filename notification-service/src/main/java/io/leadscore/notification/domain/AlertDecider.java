package io.leadscore.notification.domain;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.leadscore.contracts.LeadEscalated;
import io.leadscore.contracts.LeadStageChanged;

/**
 * Decides who is alerted about a routing message, and as what. Pure: the same message and settings always give the same
 * alert.
 */
public final class AlertDecider {

    private AlertDecider() {
    }

    /** Thrown for a message that cannot be understood at all; it is set aside with this reason. */
    public static final class UnreadableMessage extends RuntimeException {
        public UnreadableMessage(String message) {
            super(message);
        }
    }

    /**
     * A lead entering {@code mql} or {@code sql} alerts its owner; an owner change within a stage alerts the new owner.
     * Nobody is alerted when routing says so ({@code alert=false}: the policy does not ask for it, or a rep claimed the
     * lead from its team's queue itself), when the tenant switched the kind off here, or when the lead has no owner yet
     * (it waits in the team queue; the reassignment that gives it one alerts then).
     */
    public static Optional<Alert> decide(LeadStageChanged m, Set<AlertKind> enabledKinds) {
        requireVersion(m.schemaVersion(), LeadStageChanged.CURRENT_SCHEMA_VERSION);
        require(m.tenant(), "tenant");
        require(m.leadId(), "leadId");
        require(m.transitionId(), "transitionId");
        require(m.toStage(), "toStage");
        if (!m.alert() || m.ownerRepId() == null || m.ownerRepId().isBlank()) {
            return Optional.empty();
        }
        AlertKind kind;
        if (LeadStageChanged.RULE_REASSIGN.equals(m.ruleId())) {
            kind = AlertKind.REASSIGNMENT;
        } else if ("mql".equals(m.toStage())) {
            kind = AlertKind.MQL;
        } else if ("sql".equals(m.toStage())) {
            kind = AlertKind.SQL;
        } else {
            return Optional.empty();
        }
        if (!enabledKinds.contains(kind)) {
            return Optional.empty();
        }
        List<Alert.Score> scores = m.scores() == null
                ? List.of()
                : m.scores().stream().map(s -> new Alert.Score(s.modelId(), s.modelVersion(), s.score(), s.band(),
                        s.topContributions() == null
                                ? List.of()
                                : s.topContributions().stream()
                                        .map(c -> new Alert.RuleReason(c.ruleId(), c.count(), c.points(), c.label()))
                                        .toList()))
                        .toList();
        return Optional.of(new Alert(m.tenant(), m.leadId(), m.transitionId(), kind, m.ownerRepId(), m.toStage(),
                m.fromStage(), m.ruleId(), m.ownerRepId(), null, m.teamId(), scores, m.reason(), m.slaDeadline(),
                m.changedAt(), m.sourceReceivedAt(), m.attributes()));
    }

    /** A missed follow-up SLA alerts the team's manager (nobody when the team has none). */
    public static Optional<Alert> decide(LeadEscalated m, Set<AlertKind> enabledKinds) {
        requireVersion(m.schemaVersion(), LeadEscalated.CURRENT_SCHEMA_VERSION);
        require(m.tenant(), "tenant");
        require(m.leadId(), "leadId");
        require(m.escalationId(), "escalationId");
        if (m.managerRepId() == null || m.managerRepId().isBlank() || !enabledKinds.contains(AlertKind.ESCALATION)) {
            return Optional.empty();
        }
        String reason = "SLA missed by " + (m.previousOwnerRepId() == null ? "the owner" : m.previousOwnerRepId())
                + (m.newOwnerRepId() == null
                        ? "; the lead waits in the team queue"
                        : "; reassigned to " + m.newOwnerRepId());
        return Optional.of(new Alert(m.tenant(), m.leadId(), m.escalationId(), AlertKind.ESCALATION, m.managerRepId(),
                m.stage(), m.stage(), null, m.newOwnerRepId(), m.previousOwnerRepId(), m.teamId(), List.of(), reason,
                m.slaDeadline(), m.escalatedAt(), null, null));
    }

    private static void requireVersion(int version, int current) {
        if (version < 1 || version > current) {
            throw new UnreadableMessage("unsupported schemaVersion " + version);
        }
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new UnreadableMessage(field + " is missing");
        }
    }
}
