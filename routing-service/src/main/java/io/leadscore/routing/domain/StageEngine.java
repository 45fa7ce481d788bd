package io.leadscore.routing.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.leadscore.routing.domain.policy.RoutingPolicy;
import io.leadscore.routing.domain.policy.StageRule;

/**
 * Decides a lead's stage from its scores and profile under a policy: the first matching rule wins; moving up is
 * immediate; moving down needs the entry rule to fail even with the hysteresis margin, or the dwell time to have passed;
 * a rejected lead cannot re-qualify during its cool-down; accepted leads and final outcomes are not moved by scores.
 */
public final class StageEngine {

    private StageEngine() {
    }

    public static StageDecision decide(RoutingPolicy policy, LeadRouting lead, Instant now) {
        RoutingPolicy.Evaluation wanted = policy.evaluate(lead.scores(), lead.attributes());
        Stage current = lead.stage();
        if (current == null) {
            return new StageDecision(wanted.stage(), wanted.ruleId(), because(policy, wanted), null);
        }
        if (current == Stage.ACCEPTED) {
            return StageDecision.stay(null);
        }
        if (current == Stage.CONVERTED || current == Stage.LOST) {
            if (policy.isFinal(current)) {
                return StageDecision.stay(null);
            }
            return new StageDecision(wanted.stage(), wanted.ruleId(), current.wire() + " is not final under policy "
                    + "version " + policy.version() + "; " + because(policy, wanted), null);
        }
        int currentRank = Math.max(current.rank(), 0);
        Stage target = wanted.stage();
        if (lead.cooldownUntil() != null && now.isBefore(lead.cooldownUntil()) && target.rank() > currentRank) {
            // Rejected by sales: it may not re-qualify yet. Look again when the cool-down ends.
            return StageDecision.stay(lead.cooldownUntil());
        }
        if (target.rank() > currentRank || current == Stage.REJECTED) {
            return new StageDecision(target, wanted.ruleId(), because(policy, wanted), null);
        }
        if (target == current) {
            return StageDecision.stay(null);
        }
        // Moving down: hysteresis.
        Instant dwellEnds = policy.dwell() == null || lead.since() == null ? null : lead.since().plus(policy.dwell());
        if (dwellEnds != null && !now.isBefore(dwellEnds)) {
            return new StageDecision(target, wanted.ruleId(), "the lead no longer meets the " + current.wire()
                    + " rules and has been in " + current.wire() + " for the dwell time of " + text(policy.dwell())
                    + "; " + because(policy, wanted), null);
        }
        List<StageRule> entryRules = policy.rule(lead.entryRuleId()).filter(r -> r.stage() == current)
                .map(List::of).orElseGet(() -> policy.rulesFor(current));
        for (StageRule rule : entryRules) {
            if (rule.when().test(lead.scores(), lead.attributes(), policy.margin())) {
                return StageDecision.stay(dwellEnds);
            }
        }
        String entry = entryRules.isEmpty()
                ? "no rule of the policy leads to " + current.wire()
                : "rule " + String.join(", ", entryRules.stream().map(StageRule::id).toList())
                        + " no longer holds even with the hysteresis margin of " + number(policy.margin());
        return new StageDecision(target, wanted.ruleId(), entry + "; " + because(policy, wanted), null);
    }

    private static String because(RoutingPolicy policy, RoutingPolicy.Evaluation e) {
        if (RoutingPolicy.DEFAULT_RULE_ID.equals(e.ruleId())) {
            return "no rule matched, so the policy default " + e.stage().wire() + " applies";
        }
        return "rule " + e.ruleId() + " matched";
    }

    static String text(Duration d) {
        return d.toString();
    }

    static String number(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
