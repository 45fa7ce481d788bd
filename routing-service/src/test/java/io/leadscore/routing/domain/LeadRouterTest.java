package io.leadscore.routing.domain;

import static io.leadscore.routing.domain.DomainFixtures.EXAMPLE;
import static io.leadscore.routing.domain.DomainFixtures.T0;
import static io.leadscore.routing.domain.DomainFixtures.book;
import static io.leadscore.routing.domain.DomainFixtures.hours;
import static io.leadscore.routing.domain.DomainFixtures.policy;
import static io.leadscore.routing.domain.DomainFixtures.score;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.leadscore.routing.domain.owner.OwnerBook;
import io.leadscore.routing.domain.policy.RoutingPolicy;

class LeadRouterTest {

    static final RoutingPolicy POLICY = policy(EXAMPLE);
    static final LeadRouter ROUTER = new LeadRouter(Duration.ofMinutes(1));

    /** Applies a score change the way the consumer does. */
    static LeadRouter.Routed observe(LeadRouting lead, ScoreObserved change, OwnerBook book, Instant now) {
        LeadRouting observed = lead.observe(change);
        return ROUTER.apply(POLICY, observed, StageEngine.decide(POLICY, observed, now), book, now);
    }

    static LeadRouting inSql(OwnerBook book) {
        LeadRouting l = LeadRouting.unseen("acme", "l1");
        l = observe(l, score("engagement", 70, "hot", T0), book, T0).lead();
        return observe(l, score("fit", 90, "A", T0.plusSeconds(1)), book, T0.plusSeconds(1)).lead();
    }

    @Test
    void enteringMqlGetsAnOwnerAndTheStagesSlaThenSqlRestartsIt() {
        OwnerBook book = book("r1", "r2");
        LeadRouter.Routed mql = observe(LeadRouting.unseen("acme", "l1"), score("engagement", 70, "hot", T0), book, T0);
        Transition t = mql.transitions().get(0);
        assertNull(t.from());
        assertEquals(Stage.MQL, t.to());
        assertEquals("r1", t.ownerRepId());
        assertEquals("sales", t.teamId());
        assertEquals(T0.plus(Duration.ofDays(1)), t.slaDeadline());
        assertEquals(1, book.openLeads("r1"));

        Instant later = T0.plus(hours(1));
        LeadRouter.Routed sql = observe(mql.lead(), score("fit", 90, "A", later), book, later);
        Transition up = sql.transitions().get(0);
        assertEquals(Stage.SQL, up.to());
        assertEquals("r1", up.ownerRepId(), "sticky");
        assertEquals(later.plus(hours(4)), up.slaDeadline());
        assertEquals(1, book.openLeads("r1"), "still one open lead");
        assertNotEquals(t.transitionId(), up.transitionId());
        assertEquals(RoutingIds.transitionId("acme", "l1", 2), up.transitionId(), "deterministic");
    }

    @Test
    void aMissedSlaEscalatesOnceReassignsAndRestartsTheSla() {
        OwnerBook book = book("r1", "r2");
        LeadRouting lead = inSql(book);
        Instant deadline = lead.slaDeadline();
        assertTrue(ROUTER.onTimer(POLICY, lead, book, deadline.minusSeconds(1)).escalations().isEmpty());

        Instant now = deadline.plusSeconds(5);
        LeadRouter.Routed r = ROUTER.onTimer(POLICY, lead, book, now);
        Escalation e = r.escalations().get(0);
        assertEquals("r1", e.previousOwnerRepId());
        assertEquals("r2", e.newOwnerRepId());
        assertEquals("boss", e.managerRepId());
        assertEquals(deadline, e.slaDeadline());
        assertEquals(RoutingIds.escalationId("acme", "l1", Stage.SQL, deadline), e.escalationId());
        Transition t = r.transitions().get(0);
        assertEquals("reassign", t.ruleId());
        assertEquals(Stage.SQL, t.from());
        assertEquals(Stage.SQL, t.to());
        assertEquals(now.plus(hours(4)), r.lead().slaDeadline());
        assertEquals(0, book.openLeads("r1"));
        assertEquals(1, book.openLeads("r2"));

        LeadRouter.Routed again = ROUTER.onTimer(POLICY, r.lead(), book, now);
        assertTrue(again.escalations().isEmpty(), "the renewed deadline is not due: no second escalation");
        assertTrue(again.transitions().isEmpty());
    }

    @Test
    void rejectionGoesThroughRejectedBackToNurtureWithoutOwnerAndCoolsDown() {
        LeadRouting lead = inSql(book("r1"));
        Instant now = T0.plus(hours(2));
        LeadRouter.Routed r = ROUTER.feedback(POLICY, lead, Stage.REJECTED, "no budget", null, now);
        assertEquals(List.of(Stage.REJECTED, Stage.NURTURE), r.transitions().stream().map(Transition::to).toList());
        assertEquals("r1", r.transitions().get(0).ownerRepId(), "the rejecting owner is on record");
        assertTrue(r.transitions().get(0).reason().contains("no budget"));
        assertNull(r.lead().ownerRepId());
        assertNull(r.lead().slaDeadline());
        assertEquals(now.plus(Duration.ofDays(30)), r.lead().cooldownUntil());
        assertEquals(now.plus(Duration.ofDays(30)), r.lead().recheckAt());
        // Re-checked after the cool-down, it re-qualifies.
        LeadRouter.Routed later = ROUTER.onTimer(POLICY, r.lead(), book("r1"), r.lead().cooldownUntil());
        assertEquals(Stage.SQL, later.lead().stage());
    }

    @Test
    void onlyALeadInMqlOrSqlIsRejectedSoARetriedRejectionChangesNothing() {
        LeadRouting lead = inSql(book("r1"));
        LeadRouter.Routed rejected = ROUTER.feedback(POLICY, lead, Stage.REJECTED, "no budget", null, T0.plus(hours(1)));
        assertEquals(Stage.NURTURE, rejected.lead().stage());
        RoutingRejected again = assertThrows(RoutingRejected.class, () -> ROUTER.feedback(POLICY, rejected.lead(),
                Stage.REJECTED, "no budget", null, T0.plus(hours(2))));
        assertEquals("the lead is nurture; only a lead in mql or sql can be rejected", again.getMessage());

        LeadRouter.Routed accepted = ROUTER.feedback(POLICY, lead, Stage.ACCEPTED, null, null, T0.plus(hours(1)));
        RoutingRejected e = assertThrows(RoutingRejected.class, () -> ROUTER.feedback(POLICY, accepted.lead(),
                Stage.REJECTED, null, null, T0.plus(hours(2))));
        assertTrue(e.getMessage().startsWith("the lead is accepted; "), e.getMessage());
    }

    @Test
    void acceptanceStopsTheSlaAndFinalOutcomesRefuseFurtherFeedback() {
        LeadRouting lead = inSql(book("r1"));
        LeadRouter.Routed accepted = ROUTER.feedback(POLICY, lead, Stage.ACCEPTED, null, null, T0.plus(hours(1)));
        assertEquals(Stage.ACCEPTED, accepted.lead().stage());
        assertNull(accepted.lead().slaDeadline());
        assertEquals("r1", accepted.lead().ownerRepId());
        assertThrows(RoutingRejected.class, () -> ROUTER.feedback(POLICY, accepted.lead(), Stage.ACCEPTED, null, null,
                T0.plus(hours(2))));
        LeadRouter.Routed lost = ROUTER.feedback(POLICY, accepted.lead(), Stage.LOST, "went silent", null,
                T0.plus(hours(3)));
        RoutingRejected e = assertThrows(RoutingRejected.class, () -> ROUTER.feedback(POLICY, lost.lead(),
                Stage.CONVERTED, null, null, T0.plus(hours(4))));
        assertTrue(e.getMessage().contains("final"), e.getMessage());
    }

    @Test
    void aLeadWithoutAFreeRepWaitsAndIsAssignedWhenOneFreesUp() {
        OwnerBook full = new OwnerBook(book("r1").team("sales").stream().toList(),
                List.of(new io.leadscore.routing.domain.owner.Rep("r1", "r1", "sales", true, 0)),
                java.util.Map.of(), java.util.Map.of());
        LeadRouter.Routed waiting = observe(LeadRouting.unseen("acme", "l1"), score("engagement", 45, "warm", T0),
                full, T0);
        assertTrue(waiting.lead().isWaiting());
        assertEquals("sales", waiting.lead().teamId());
        assertEquals(T0.plus(Duration.ofMinutes(1)), waiting.lead().recheckAt());
        assertTrue(waiting.transitions().get(0).reason().contains("waiting in the team queue"));

        LeadRouter.Routed stillWaiting = ROUTER.onTimer(POLICY, waiting.lead(), full, T0.plus(Duration.ofMinutes(1)));
        assertTrue(stillWaiting.transitions().isEmpty());
        assertEquals(T0.plus(Duration.ofMinutes(2)), stillWaiting.lead().recheckAt());

        LeadRouter.Routed assigned = ROUTER.onTimer(POLICY, stillWaiting.lead(), book("r1"),
                T0.plus(Duration.ofMinutes(2)));
        Transition t = assigned.transitions().get(0);
        assertEquals("reassign", t.ruleId());
        assertEquals("r1", t.ownerRepId());
        assertEquals(T0.plus(Duration.ofMinutes(2)).plus(Duration.ofDays(1)), assigned.lead().slaDeadline());
    }

    @Test
    void acceptingAWaitingLeadForANamedRepMakesItTheOwnerUnlessTheRepIsInactive() {
        OwnerBook full = new OwnerBook(book("r1").team("sales").stream().toList(),
                List.of(new io.leadscore.routing.domain.owner.Rep("r1", "r1", "sales", true, 0)),
                java.util.Map.of(), java.util.Map.of());
        LeadRouting waiting = observe(LeadRouting.unseen("acme", "l1"), score("engagement", 45, "warm", T0), full, T0)
                .lead();
        var inactive = new io.leadscore.routing.domain.owner.Rep("r2", "r2", "east", false, 5);
        RoutingRejected e = assertThrows(RoutingRejected.class, () -> ROUTER.feedback(POLICY, waiting, Stage.ACCEPTED,
                null, inactive, T0.plus(hours(1))));
        assertEquals("rep r2 is not active, so it cannot take lead l1", e.getMessage());

        // A manager's choice: the rep's capacity (0 free here) does not stop it, as for an explicit reassignment.
        var busy = new io.leadscore.routing.domain.owner.Rep("r3", "r3", "east", true, 0);
        LeadRouter.Routed accepted = ROUTER.feedback(POLICY, waiting, Stage.ACCEPTED, null, busy, T0.plus(hours(1)));
        assertEquals("r3", accepted.lead().ownerRepId());
        assertEquals("east", accepted.lead().teamId());
        assertEquals("accepted by r3", accepted.transitions().get(0).reason());
    }
}
