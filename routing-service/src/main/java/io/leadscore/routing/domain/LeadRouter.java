package io.leadscore.routing.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.leadscore.routing.domain.owner.Assignment;
import io.leadscore.routing.domain.owner.OwnerAssignment;
import io.leadscore.routing.domain.owner.OwnerBook;
import io.leadscore.routing.domain.owner.Rep;
import io.leadscore.routing.domain.owner.Team;
import io.leadscore.routing.domain.policy.RoutingPolicy;

/**
 * What happens to a lead: stage changes with owner assignment and SLA, follow-up timers, sales feedback and
 * reassignment. Every method is a pure function of the lead, the policy, the owner book and {@code now}; it returns the
 * new lead state and the transitions and escalations to publish.
 */
public final class LeadRouter {

    public static final String RULE_FEEDBACK = "feedback";
    public static final String RULE_REASSIGN = "reassign";

    /** The new state of a lead and what to publish about it. */
    public record Routed(LeadRouting lead, List<Transition> transitions, List<Escalation> escalations) {
        public boolean changed(LeadRouting before) {
            return !transitions.isEmpty() || !lead.equals(before);
        }
    }

    private final Duration waitingRetry;

    /** @param waitingRetry how often a lead waiting in a team queue tries again to get an owner */
    public LeadRouter(Duration waitingRetry) {
        this.waitingRetry = waitingRetry;
    }

    /** Whether applying {@code decision} needs the owner book (it moves the lead into a stage that needs an owner). */
    public static boolean needsBook(StageDecision decision) {
        return decision.moves() && decision.to().needsOwner();
    }

    /**
     * Applies a stage decision. {@code book} may be null unless {@link #needsBook(StageDecision)}; when given, it is
     * kept up to date.
     */
    public Routed apply(RoutingPolicy policy, LeadRouting lead, StageDecision decision, OwnerBook book, Instant now) {
        LeadRouting.Builder b = lead.toBuilder();
        if (!decision.moves()) {
            Instant waiting = lead.isWaiting()
                    ? (lead.recheckAt() != null ? lead.recheckAt() : now.plus(waitingRetry))
                    : null;
            b.recheckAt = earliest(decision.recheckAt(), waiting);
            return new Routed(b.build(), List.of(), List.of());
        }
        Stage from = lead.stage();
        Stage to = decision.to();
        b.stage = to;
        b.since = now;
        b.entryRuleId = decision.ruleId();
        b.policyVersion = policy.version();
        b.recheckAt = decision.recheckAt();
        b.slaDeadline = null;
        if (to.rank() > Stage.NURTURE.rank()) {
            b.cooldownUntil = null;
        }
        String reason = decision.reason();
        if (to.needsOwner()) {
            if (book == null) {
                throw new IllegalArgumentException("moving into " + to.wire() + " needs the owner book");
            }
            if (lead.ownerRepId() != null && book.isActive(lead.ownerRepId())) {
                if (b.teamId == null) {
                    b.teamId = book.rep(lead.ownerRepId()).map(Rep::teamId).orElse(null);
                }
                reason += "; stays with its owner " + lead.ownerRepId();
            } else {
                Assignment a = OwnerAssignment.assign(book, lead.attributes(), null, null);
                b.ownerRepId = a.repId();
                b.teamId = a.teamId();
                reason += "; " + (a.repId() != null ? "assigned to " + a.repId() + " by " + a.reason() : a.reason());
            }
            startSlaOrWait(policy, b, to, now);
        }
        if (book != null) {
            book.moved(lead.ownerRepId(), from != null && from.isOpen(), b.ownerRepId, to.isOpen());
        }
        Transition t = transition(b, from, to, decision.ruleId(), policy, reason, now);
        return new Routed(b.build(), List.of(t), List.of());
    }

    /** Due timers: a passed follow-up SLA escalates and reassigns; a due re-check re-decides and retries waiting leads. */
    public Routed onTimer(RoutingPolicy policy, LeadRouting lead, OwnerBook book, Instant now) {
        List<Transition> transitions = new ArrayList<>();
        List<Escalation> escalations = new ArrayList<>();
        LeadRouting current = lead;
        if (current.slaDeadline() != null && !now.isBefore(current.slaDeadline())) {
            LeadRouting.Builder b = current.toBuilder();
            Stage stage = current.stage();
            if (stage == null || !stage.needsOwner() || current.ownerRepId() == null) {
                b.slaDeadline = null;
            } else {
                String previous = current.ownerRepId();
                Assignment a = OwnerAssignment.assign(book, current.attributes(), current.teamId(), previous);
                book.moved(previous, true, a.repId(), true);
                b.ownerRepId = a.repId();
                b.teamId = a.teamId() != null ? a.teamId() : current.teamId();
                b.slaDeadline = null;
                startSlaOrWait(policy, b, stage, now);
                String manager = book.team(b.teamId).map(Team::managerRepId).orElse(null);
                escalations.add(new Escalation(RoutingIds.escalationId(current.tenant(), current.leadId(), stage,
                        current.slaDeadline()), stage, previous, b.teamId, manager, a.repId(), current.slaDeadline(),
                        now));
                String reason = "follow-up SLA for " + stage.wire() + " passed at " + current.slaDeadline()
                        + " without acceptance by " + previous + "; "
                        + (a.repId() != null ? "reassigned to " + a.repId() + " by " + a.reason() : a.reason());
                transitions.add(transition(b, stage, stage, RULE_REASSIGN, policy, reason, now));
            }
            current = b.build();
        }
        if (current.recheckAt() != null && !now.isBefore(current.recheckAt())) {
            LeadRouting.Builder cleared = current.toBuilder();
            cleared.recheckAt = null;
            current = cleared.build();
            StageDecision decision = StageEngine.decide(policy, current, now);
            if (decision.moves()) {
                Routed r = apply(policy, current, decision, book, now);
                transitions.addAll(r.transitions());
                current = r.lead();
            } else if (current.isWaiting()) {
                LeadRouting.Builder b = current.toBuilder();
                Assignment a = OwnerAssignment.assign(book, current.attributes(), current.teamId(), null);
                if (a.repId() != null) {
                    book.moved(null, false, a.repId(), true);
                    b.ownerRepId = a.repId();
                    b.teamId = a.teamId();
                    startSlaOrWait(policy, b, current.stage(), now);
                    b.recheckAt = earliest(b.recheckAt, decision.recheckAt());
                    transitions.add(transition(b, current.stage(), current.stage(), RULE_REASSIGN, policy,
                            "assigned to " + a.repId() + " by " + a.reason() + " after waiting in the team queue",
                            now));
                } else {
                    b.recheckAt = earliest(decision.recheckAt(), now.plus(waitingRetry));
                }
                current = b.build();
            } else {
                LeadRouting.Builder b = current.toBuilder();
                b.recheckAt = decision.recheckAt();
                current = b.build();
            }
        }
        return new Routed(current, transitions, escalations);
    }

    /**
     * Sales feedback. {@code accepted} stops the SLA; {@code rejected}, of a lead in {@code mql} or {@code sql} only,
     * goes through {@code rejected} back to {@code nurture} without owner, with a cool-down before the lead can
     * re-qualify; {@code converted} and
     * {@code lost} stop everything and are final while the policy says so.
     *
     * @param rep who gave the feedback, or null; becomes the owner when an unowned lead is accepted, which, as for an
     *     explicit reassignment, an inactive rep cannot (capacity does not stop a manager's choice)
     */
    public Routed feedback(RoutingPolicy policy, LeadRouting lead, Stage outcome, String reason, Rep rep,
            Instant now) {
        Stage current = lead.stage();
        if (current == null) {
            throw new IllegalArgumentException("lead has no stage yet");
        }
        if (outcome.isQualification() || outcome.rank() >= 0) {
            throw new IllegalArgumentException("not a sales outcome: " + outcome);
        }
        if (policy.isFinal(current)) {
            throw new RoutingRejected("the lead is " + current.wire() + ", a final outcome under routing policy "
                    + "version " + policy.version());
        }
        if (current == outcome) {
            throw new RoutingRejected("the lead is already " + current.wire());
        }
        if (outcome == Stage.REJECTED && !current.needsOwner()) {
            // Sales rejects a lead routing offered it; a lead already back in nurture (a retried rejection) must not be
            // rejected again, restarting its cool-down and counting a second sales outcome.
            throw new RoutingRejected("the lead is " + current.wire() + "; only a lead in mql or sql can be rejected"
                    + (current == Stage.ACCEPTED ? " (an accepted lead ends as converted or lost)" : ""));
        }
        String because = reason == null || reason.isBlank() ? "" : ": " + reason;
        LeadRouting.Builder b = lead.toBuilder();
        b.since = now;
        b.entryRuleId = RULE_FEEDBACK;
        b.policyVersion = policy.version();
        b.slaDeadline = null;
        b.recheckAt = null;
        List<Transition> transitions = new ArrayList<>();
        if (outcome == Stage.REJECTED) {
            b.stage = Stage.REJECTED;
            transitions.add(transition(b, current, Stage.REJECTED, RULE_FEEDBACK, policy, "rejected by sales"
                    + because, now));
            b.ownerRepId = null;
            b.teamId = null;
            b.stage = Stage.NURTURE;
            b.cooldownUntil = now.plus(policy.rejectCooldown());
            b.recheckAt = b.cooldownUntil;
            transitions.add(transition(b, Stage.REJECTED, Stage.NURTURE, RULE_FEEDBACK, policy, "back to nurture "
                    + "after rejection; it can re-qualify from " + b.cooldownUntil, now));
        } else {
            if (outcome == Stage.ACCEPTED && b.ownerRepId == null && rep != null) {
                if (!rep.active()) {
                    throw new RoutingRejected("rep " + rep.repId() + " is not active, so it cannot take lead "
                            + lead.leadId());
                }
                b.ownerRepId = rep.repId();
                b.teamId = rep.teamId() != null ? rep.teamId() : b.teamId;
            }
            b.stage = outcome;
            String what = outcome == Stage.ACCEPTED
                    ? "accepted by " + (b.ownerRepId == null ? "sales" : b.ownerRepId)
                    : "sales outcome " + outcome.wire();
            transitions.add(transition(b, current, outcome, RULE_FEEDBACK, policy, what + because, now));
        }
        return new Routed(b.build(), transitions, List.of());
    }

    /**
     * Gives an owned lead to another rep: {@code repId} if given, else the next rep with free capacity in the lead's team
     * (not the current owner).
     */
    public Routed reassign(RoutingPolicy policy, LeadRouting lead, OwnerBook book, String repId, Instant now) {
        Stage stage = lead.stage();
        if (stage == null || !stage.isOpen()) {
            throw new RoutingRejected("only leads in mql, sql or accepted have owners; this one is "
                    + (stage == null ? "not routed" : stage.wire()));
        }
        Assignment a;
        if (repId != null) {
            Rep rep = book.rep(repId).orElseThrow(() -> new IllegalArgumentException("unknown rep " + repId));
            if (!rep.active()) {
                throw new RoutingRejected("rep " + repId + " is not active");
            }
            if (repId.equals(lead.ownerRepId())) {
                throw new RoutingRejected("the lead is already owned by " + repId);
            }
            a = new Assignment(rep.teamId() != null ? rep.teamId() : lead.teamId(), repId, "an explicit reassignment");
        } else {
            a = OwnerAssignment.assign(book, lead.attributes(), lead.teamId(), lead.ownerRepId());
            if (a.repId() == null) {
                throw new RoutingRejected(a.reason());
            }
        }
        String reason = "reassigned from " + (lead.ownerRepId() == null ? "nobody" : lead.ownerRepId()) + " to "
                + a.repId() + " by " + a.reason();
        return give(policy, lead, book, a, reason, true, now);
    }

    /**
     * A rep takes a lead waiting for an owner in its team's queue (the caller has checked the team, and that the rep is
     * active and below capacity, under the owner book's lock): it becomes the owner and the stage's SLA starts. No
     * alert goes out, since the new owner is the one who asked.
     */
    public Routed claim(RoutingPolicy policy, LeadRouting lead, OwnerBook book, String repId, Instant now) {
        if (!lead.isWaiting()) {
            throw new RoutingRejected(notWaiting(lead));
        }
        Rep rep = book.rep(repId).orElseThrow(() -> new IllegalArgumentException("unknown rep " + repId));
        String team = rep.teamId() != null ? rep.teamId() : lead.teamId();
        return give(policy, lead, book, new Assignment(team, repId, "a claim"), "claimed by " + repId + " from team "
                + lead.teamId() + "'s queue", false, now);
    }

    /** Why {@code lead}, which does not wait for an owner, cannot be claimed. */
    public static String notWaiting(LeadRouting lead) {
        return "lead " + lead.leadId() + " is not waiting for an owner: it is "
                + (lead.stage() == null ? "not routed" : lead.stage().wire())
                + (lead.ownerRepId() == null ? "" : ", owned by " + lead.ownerRepId());
    }

    private Routed give(RoutingPolicy policy, LeadRouting lead, OwnerBook book, Assignment a, String reason,
            boolean alert, Instant now) {
        Stage stage = lead.stage();
        book.moved(lead.ownerRepId(), true, a.repId(), true);
        LeadRouting.Builder b = lead.toBuilder();
        b.ownerRepId = a.repId();
        b.teamId = a.teamId();
        if (stage.needsOwner()) {
            b.slaDeadline = null;
            startSlaOrWait(policy, b, stage, now);
        }
        Transition t = transition(b, stage, stage, RULE_REASSIGN, policy, reason, alert && policy.alerts(stage), now);
        return new Routed(b.build(), List.of(t), List.of());
    }

    private void startSlaOrWait(RoutingPolicy policy, LeadRouting.Builder b, Stage stage, Instant now) {
        if (b.ownerRepId != null) {
            Duration sla = policy.sla(stage);
            b.slaDeadline = sla == null ? null : now.plus(sla);
        } else {
            b.recheckAt = earliest(b.recheckAt, now.plus(waitingRetry));
        }
    }

    private static Transition transition(LeadRouting.Builder b, Stage from, Stage to, String ruleId,
            RoutingPolicy policy, String reason, Instant now) {
        return transition(b, from, to, ruleId, policy, reason, policy.alerts(to), now);
    }

    private static Transition transition(LeadRouting.Builder b, Stage from, Stage to, String ruleId,
            RoutingPolicy policy, String reason, boolean alert, Instant now) {
        b.transitionCount++;
        LeadRouting l = b.build();
        return new Transition(RoutingIds.transitionId(l.tenant(), l.leadId(), b.transitionCount), b.transitionCount,
                from, to, ruleId, policy.version(), reason, l.ownerRepId(), l.teamId(), l.slaDeadline(), alert, now,
                l.scoreList(), l.attributes(), l.sourceReceivedAt());
    }

    static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(b) ? a : b;
    }
}
