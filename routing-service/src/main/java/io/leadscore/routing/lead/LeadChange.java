package io.leadscore.routing.lead;

import java.util.List;
import java.util.Map;

import io.leadscore.routing.domain.Escalation;
import io.leadscore.routing.domain.LeadRouting;
import io.leadscore.routing.domain.Transition;
import io.leadscore.routing.domain.policy.RoutingPolicy;

/**
 * One lead's change within a transaction: its state before and after, and what to record and publish about it.
 *
 * @param traceparent the trace context of the cause (the lead's latest one after a batch of score changes)
 * @param transitionTraces the trace context per transition id where transitions had different causes
 */
public record LeadChange(LeadRouting before, LeadRouting after, List<Transition> transitions,
        List<Escalation> escalations, RoutingPolicy policy, String traceparent, Map<String, String> transitionTraces) {

    public LeadChange(LeadRouting before, LeadRouting after, List<Transition> transitions,
            List<Escalation> escalations, RoutingPolicy policy, String traceparent) {
        this(before, after, transitions, escalations, policy, traceparent, Map.of());
    }

    public String traceOf(Transition t) {
        return transitionTraces.getOrDefault(t.transitionId(), traceparent);
    }
}
