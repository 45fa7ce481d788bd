package io.leadscore.routing.lead;

import java.util.ArrayList;
import java.util.List;

import io.leadscore.contracts.LeadEscalated;
import io.leadscore.contracts.LeadEvent;
import io.leadscore.contracts.LeadStageChanged;
import io.leadscore.contracts.MessageKeys;
import io.leadscore.contracts.ScoreChanged;
import io.leadscore.contracts.Topics;
import io.leadscore.routing.domain.Escalation;
import io.leadscore.routing.domain.LeadRouting;
import io.leadscore.routing.domain.ModelScore;
import io.leadscore.routing.domain.Transition;
import io.leadscore.routing.outbox.OutboxMessage;

/** Maps what the domain decided to the contract records and the topics they go to. */
public final class RoutingMessages {

    private RoutingMessages() {
    }

    public interface Json {
        String write(Object value);
    }

    /**
     * Escalations first, then every transition to {@code lead-stage-changes} and to the queue topic of its stage.
     */
    public static List<OutboxMessage> of(LeadChange change, Json json) {
        LeadRouting lead = change.after();
        String key = MessageKeys.leadKey(lead.tenant(), lead.leadId());
        List<OutboxMessage> messages = new ArrayList<>();
        for (Escalation e : change.escalations()) {
            var escalated = new LeadEscalated(LeadEscalated.CURRENT_SCHEMA_VERSION, lead.tenant(), lead.leadId(),
                    e.escalationId(), e.stage().wire(), e.previousOwnerRepId(), e.teamId(), e.managerRepId(),
                    e.newOwnerRepId(), e.slaDeadline(), e.escalatedAt());
            messages.add(OutboxMessage.of(Topics.LEAD_ESCALATIONS, key, json.write(escalated),
                    LeadEscalated.CURRENT_SCHEMA_VERSION, change.traceparent()));
        }
        for (Transition t : change.transitions()) {
            LeadStageChanged changed = stageChanged(lead, t);
            String payload = json.write(changed);
            String trace = change.traceOf(t);
            messages.add(OutboxMessage.of(Topics.LEAD_STAGE_CHANGES, key, payload,
                    LeadStageChanged.CURRENT_SCHEMA_VERSION, trace));
            String queue = LeadStageChanged.queueTopic(changed.toStage());
            if (queue != null) {
                messages.add(OutboxMessage.of(queue, key, payload, LeadStageChanged.CURRENT_SCHEMA_VERSION, trace));
            }
        }
        return messages;
    }

    public static LeadStageChanged stageChanged(LeadRouting lead, Transition t) {
        List<LeadStageChanged.ModelScore> scores = t.scores().stream().map(RoutingMessages::score).toList();
        return new LeadStageChanged(LeadStageChanged.CURRENT_SCHEMA_VERSION, lead.tenant(), lead.leadId(),
                t.transitionId(), t.from() == null ? null : t.from().wire(), t.to().wire(), t.ruleId(),
                t.policyVersion(), scores, t.ownerRepId(), t.teamId(), t.reason(), t.slaDeadline(), t.alert(),
                t.changedAt(), t.attributes(), t.sourceReceivedAt());
    }

    public static OutboxMessage leadEvent(LeadEvent event, String traceparent, Json json) {
        return OutboxMessage.of(Topics.LEAD_EVENTS, event.key(), json.write(event), LeadEvent.CURRENT_SCHEMA_VERSION,
                traceparent);
    }

    private static LeadStageChanged.ModelScore score(ModelScore s) {
        return new LeadStageChanged.ModelScore(s.modelId(), s.modelVersion(), s.score(), s.band(),
                s.reasons().stream()
                        .map(r -> new ScoreChanged.RuleContribution(r.ruleId(), r.count(), r.points(), r.label()))
                        .toList());
    }
}
