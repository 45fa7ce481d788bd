package io.leadscore.routing.lead;

import static io.leadscore.routing.support.Fixtures.admin;
import static io.leadscore.routing.support.Fixtures.reader;
import static io.leadscore.routing.support.Fixtures.score;
import static io.leadscore.routing.support.Fixtures.send;
import static io.leadscore.routing.support.Fixtures.tick;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.leadscore.contracts.LeadEscalated;
import io.leadscore.contracts.LeadStageChanged;
import io.leadscore.contracts.MessageHeaders;
import io.leadscore.contracts.MessageKeys;
import io.leadscore.contracts.Topics;
import io.leadscore.routing.RoutingTestInfra;
import io.leadscore.routing.support.Fixtures;
import io.leadscore.routing.support.Published;
import io.leadscore.routing.support.TestClock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Follow-up SLAs with a clock the test moves: escalation, reassignment, exactly once, stopped by acceptance. */
@QuarkusTest
@WithTestResource(RoutingTestInfra.class)
class SlaTest {

    @Inject
    TestClock clock;

    @Inject
    Timers timers;

    @Inject
    PgPool pool;

    static void team(String tenant, String... reps) {
        admin(tenant).body("{\"name\": \"Sales\", \"managerRepId\": \"boss\", \"default\": true}")
                .put("/v1/teams/sales").then().statusCode(201);
        for (String rep : reps) {
            admin(tenant).body("{\"name\": \"" + rep + "\", \"team\": \"sales\", \"capacity\": 10}")
                    .put("/v1/reps/" + rep).then().statusCode(201);
        }
    }

    /** engagement hot then fit A: the lead reaches sql (built-in policy, SLA PT4H) with its owner. */
    static LeadStageChanged toSql(String tenant, String lead, String traceparent) {
        send(score(tenant, lead, "engagement", 70, "hot", tick(), Map.of()), traceparent);
        send(score(tenant, lead, "fit", 90, "A", tick(), Map.of()), traceparent);
        return Published.awaitStageChange(MessageKeys.leadKey(tenant, lead), c -> "sql".equals(c.toStage())).stream()
                .filter(c -> "sql".equals(c.toStage())).findFirst().orElseThrow();
    }

    @Test
    void aMissedSlaEscalatesToTheManagerAndReassignsExactlyOnce() {
        String tenant = Fixtures.tenant("sla");
        team(tenant, "r1", "r2");
        String key = MessageKeys.leadKey(tenant, "l1");
        String trace = Fixtures.traceparent();
        LeadStageChanged sql = toSql(tenant, "l1", trace);
        assertEquals("r1", sql.ownerRepId());
        assertEquals(sql.changedAt().plus(Duration.ofHours(4)), sql.slaDeadline(), "sql's SLA restarts at PT4H");

        timers.runDue().await().indefinitely();
        assertEquals(List.of(), Published.escalations(key), "not due yet");

        clock.advance(Duration.ofHours(4).plusMinutes(1));
        // Two runs at once, as two replicas would: the lead is escalated once.
        Uni.join().all(timers.runDue(), timers.runDue()).andFailFast().await().indefinitely();
        timers.runDue().await().indefinitely();

        Published.await(Topics.LEAD_ESCALATIONS, key, 1);
        LeadStageChanged reassigned = Published.awaitStageChange(key, c -> "reassign".equals(c.ruleId())).stream()
                .filter(c -> "reassign".equals(c.ruleId())).findFirst().orElseThrow();
        List<LeadEscalated> escalations = Published.escalations(key);
        assertEquals(1, escalations.size(), "escalated exactly once: " + escalations);
        LeadEscalated e = escalations.get(0);
        assertEquals("sql", e.stage());
        assertEquals("r1", e.previousOwnerRepId());
        assertEquals("boss", e.managerRepId());
        assertEquals("r2", e.newOwnerRepId());
        assertEquals("sales", e.teamId());
        assertEquals(sql.slaDeadline(), e.slaDeadline());
        assertTrue(e.escalatedAt().isAfter(e.slaDeadline()));
        assertEquals(trace, Published.header(Published.on(Topics.LEAD_ESCALATIONS, key).get(0),
                MessageHeaders.TRACEPARENT), "the lead's trace continues");

        assertEquals("sql", reassigned.fromStage());
        assertEquals("sql", reassigned.toStage());
        assertEquals("r2", reassigned.ownerRepId());
        assertEquals(reassigned.changedAt().plus(Duration.ofHours(4)), reassigned.slaDeadline(), "the SLA restarts");
        assertTrue(reassigned.reason().contains("without acceptance by r1"), reassigned.reason());
        assertEquals(1, Published.queue(Topics.LEADS_SQL, key).stream()
                .filter(c -> "reassign".equals(c.ruleId())).count(), "the new owner's queue hears of it");
        reader(tenant).get("/v1/leads/l1/stage").then().body("ownerRepId", equalTo("r2"))
                .body("slaDeadline", equalTo(reassigned.slaDeadline().toString()));
        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
    }

    @Test
    void acceptanceStopsTheSla() {
        String tenant = Fixtures.tenant("slaok");
        team(tenant, "r1", "r2");
        String key = MessageKeys.leadKey(tenant, "l1");
        toSql(tenant, "l1", null);
        reader(tenant).body("{\"outcome\": \"accepted\"}").post("/v1/leads/l1/feedback").then().statusCode(200)
                .body("stage", equalTo("accepted")).body("ownerRepId", equalTo("r1"));
        reader(tenant).get("/v1/leads/l1/stage").then().body("slaDeadline", equalTo(null));

        clock.advance(Duration.ofHours(5));
        timers.runDue().await().indefinitely();
        assertEquals(List.of(), Published.escalations(key));
        reader(tenant).get("/v1/leads/l1/stage").then().body("ownerRepId", equalTo("r1"))
                .body("stage", equalTo("accepted"));
        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
    }

    @Test
    void withoutAnotherFreeRepTheEscalatedLeadWaitsInTheTeamQueue() {
        String tenant = Fixtures.tenant("slasolo");
        team(tenant, "only");
        String key = MessageKeys.leadKey(tenant, "l1");
        toSql(tenant, "l1", null);
        Instant before = clock.instant();
        clock.advance(Duration.ofHours(5));
        timers.runDue().await().indefinitely();
        LeadEscalated e = Published.await(Topics.LEAD_ESCALATIONS, key, 1).stream()
                .map(r -> Published.read(r.value(), LeadEscalated.class)).findFirst().orElseThrow();
        assertEquals("only", e.previousOwnerRepId());
        assertNull(e.newOwnerRepId());
        assertTrue(e.escalatedAt().isAfter(before));
        reader(tenant).get("/v1/leads/l1/stage").then().body("waiting", equalTo(true))
                .body("teamId", equalTo("sales")).body("slaDeadline", equalTo(null));
        reader(tenant).get("/v1/queues/sql?owner=unassigned").then().body("items[0].leadId", equalTo("l1"));
        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
    }

    @Test
    void aLeadDueOnItsSlaAndARecheckAtOnceIsEscalatedOnce() {
        String tenant = Fixtures.tenant("slaboth");
        team(tenant, "r1", "r2");
        String key = MessageKeys.leadKey(tenant, "l1");
        toSql(tenant, "l1", null);
        // A re-check already due when the SLA runs out (as after a policy change): the timers read both kinds of
        // timer in one query, so the lead comes back twice from it and must still be handled once.
        pool.preparedQuery("UPDATE lead_stage SET recheck_at = $3 WHERE tenant = $1 AND lead_id = $2")
                .execute(Tuple.of(tenant, "l1", LeadStore.ts(clock.instant()))).await().indefinitely();
        clock.advance(Duration.ofHours(4).plusMinutes(1));
        timers.runDue().await().indefinitely();
        timers.runDue().await().indefinitely();

        Published.await(Topics.LEAD_ESCALATIONS, key, 1);
        Published.awaitStageChange(key, c -> "reassign".equals(c.ruleId()));
        assertEquals(1, Published.escalations(key).size(), "escalated exactly once");
        assertEquals(1, Published.stageChanges(key).stream().filter(c -> "reassign".equals(c.ruleId())).count(),
                "reassigned exactly once");
        reader(tenant).get("/v1/leads/l1/stage").then().body("ownerRepId", equalTo("r2"));
        Integer due = pool.preparedQuery("SELECT count(*)::int AS n FROM lead_stage WHERE tenant = $1 AND "
                + "(recheck_at <= $2 OR sla_deadline <= $2)").execute(Tuple.of(tenant, LeadStore.ts(clock.instant())))
                .await().indefinitely().iterator().next().getInteger("n");
        assertEquals(0, due, "neither timer is left due");
        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
    }
}
