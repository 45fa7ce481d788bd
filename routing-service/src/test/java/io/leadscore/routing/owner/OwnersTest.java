package io.leadscore.routing.owner;

import static io.leadscore.routing.support.Fixtures.admin;
import static io.leadscore.routing.support.Fixtures.reader;
import static io.leadscore.routing.support.Fixtures.score;
import static io.leadscore.routing.support.Fixtures.send;
import static io.leadscore.routing.support.Fixtures.tick;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.leadscore.contracts.LeadStageChanged;
import io.leadscore.contracts.MessageKeys;
import io.leadscore.routing.RoutingTestInfra;
import io.leadscore.routing.lead.Timers;
import io.leadscore.routing.support.Fixtures;
import io.leadscore.routing.support.OtherTransaction;
import io.leadscore.routing.support.Published;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgPool;

/** Territories, round-robin with capacity, waiting in the team queue, stickiness, reassignment, work queues. */
@QuarkusTest
@WithTestResource(RoutingTestInfra.class)
class OwnersTest {

    @Inject
    PgPool pool;

    @Inject
    Timers timers;

    @Inject
    OpenLeadCounts counts;

    static final Map<String, Object> DE = Map.of("country", "DE");

    /** dach (DE/AT, priority 10): a1 (capacity 2), a2 (capacity 1), a3 (inactive); rest (default): b1. */
    static void setUpTeams(String tenant) {
        admin(tenant).body("{\"name\": \"DACH\", \"managerRepId\": \"maria\", \"priority\": 10, "
                + "\"territory\": [{\"attribute\": \"country\", \"in\": [\"DE\", \"AT\"]}]}")
                .put("/v1/teams/dach").then().statusCode(201)
                .body("teamId", equalTo("dach")).body("default", equalTo(false));
        admin(tenant).body("{\"name\": \"Rest of world\", \"default\": true}").put("/v1/teams/rest").then()
                .statusCode(201).body("default", equalTo(true)).body("priority", equalTo(100));
        rep(tenant, "a1", "dach", true, 2);
        rep(tenant, "a2", "dach", true, 1);
        rep(tenant, "a3", "dach", false, 10);
        rep(tenant, "b1", "rest", true, 10);
    }

    static void rep(String tenant, String id, String team, boolean active, int capacity) {
        admin(tenant).body("{\"name\": \"Rep " + id + "\", \"team\": \"" + team + "\", \"active\": " + active
                + ", \"capacity\": " + capacity + "}").put("/v1/reps/" + id).then().statusCode(
                        org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(201)));
    }

    /** Sends an mql-level score and waits for the lead's transition into mql; answers it. */
    static LeadStageChanged toMql(String tenant, String lead, double engagement, Map<String, Object> profile) {
        send(score(tenant, lead, "engagement", engagement, "warm", tick(), profile));
        return Published.awaitStageChange(MessageKeys.leadKey(tenant, lead), c -> "mql".equals(c.toStage())).get(0);
    }

    @Test
    void territoryThenRoundRobinAmongActiveRepsWithFreeCapacityElseTheLeadWaits() {
        String tenant = Fixtures.tenant("owners");
        setUpTeams(tenant);

        LeadStageChanged l1 = toMql(tenant, "l1", 45, DE);
        LeadStageChanged l2 = toMql(tenant, "l2", 50, Map.of("country", "AT"));
        LeadStageChanged l3 = toMql(tenant, "l3", 55, DE);
        LeadStageChanged l4 = toMql(tenant, "l4", 60, DE);
        LeadStageChanged us = toMql(tenant, "us", 42, Map.of("country", "US"));
        LeadStageChanged none = toMql(tenant, "none", 43, Map.of());

        assertEquals(List.of("a1", "a2", "a1"), List.of(l1.ownerRepId(), l2.ownerRepId(), l3.ownerRepId()),
                "round-robin by rep id, skipping the inactive a3 and the full a2");
        assertEquals("dach", l1.teamId());
        assertNull(l4.ownerRepId(), "a1 and a2 are full, a3 inactive: the lead waits");
        assertEquals("dach", l4.teamId());
        assertEquals("b1", us.ownerRepId());
        assertEquals("rest", us.teamId(), "no territory matched: the default team");
        assertEquals("rest", none.teamId());
        assertEquals("P1D", Duration.between(l1.changedAt(), l1.slaDeadline()).toString().replace("PT24H", "P1D"));
        assertNull(l4.slaDeadline(), "no SLA runs without an owner");

        admin(tenant).get("/v1/teams/dach").then().statusCode(200)
                .body("waiting", equalTo(1))
                .body("members", contains("a1", "a2", "a3"))
                .body("managerRepId", equalTo("maria"));
        reader(tenant).get("/v1/queues/mql?team=dach&owner=unassigned").then().statusCode(200)
                .body("items.leadId", contains("l4"));
        reader(tenant).get("/v1/reps/a1").then().statusCode(200).body("openLeads", equalTo(2));
        reader(tenant).get("/v1/leads/l4/stage").then().body("waiting", equalTo(true));

        // More capacity: the waiting lead gets an owner at the next timer run.
        rep(tenant, "a2", "dach", true, 2);
        timers.runDue().await().indefinitely();
        List<LeadStageChanged> l4Changes = Published.awaitStageChange(MessageKeys.leadKey(tenant, "l4"),
                c -> "a2".equals(c.ownerRepId()));
        LeadStageChanged assigned = l4Changes.get(l4Changes.size() - 1);
        assertEquals("reassign", assigned.ruleId());
        assertEquals("mql", assigned.fromStage());
        assertEquals("mql", assigned.toStage());
        assertEquals(assigned.changedAt().plus(Duration.ofDays(1)), assigned.slaDeadline());
        admin(tenant).get("/v1/teams/dach").then().body("waiting", equalTo(0));
        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
    }

    @Test
    void anOwnedLeadStaysWithItsOwnerWhenItComesBackAndCanBeReassigned() {
        String tenant = Fixtures.tenant("sticky");
        setUpTeams(tenant);
        String key = MessageKeys.leadKey(tenant, "s1");
        assertEquals("a1", toMql(tenant, "s1", 45, DE).ownerRepId());
        assertEquals("a2", toMql(tenant, "s2", 45, DE).ownerRepId());

        send(score(tenant, "s1", "engagement", 5, "cold", tick(), DE));
        Published.awaitStageChange(key, c -> "nurture".equals(c.toStage()));
        reader(tenant).get("/v1/leads/s1/stage").then().body("stage", equalTo("nurture"))
                .body("ownerRepId", equalTo("a1"));
        reader(tenant).get("/v1/reps/a1").then().body("openLeads", equalTo(0));

        // Back to mql: round-robin would pick a1 anyway after a2... so give a1's turn away first.
        assertEquals("a1", toMql(tenant, "s3", 45, DE).ownerRepId());
        send(score(tenant, "s1", "engagement", 47, "warm", tick(), DE));
        List<LeadStageChanged> back = Published.awaitStageChange(key,
                c -> "mql".equals(c.toStage()) && "nurture".equals(c.fromStage()));
        LeadStageChanged again = back.get(back.size() - 1);
        assertEquals("a1", again.ownerRepId(), "sticky: back to its owner, not to a2 whose turn it was");
        assertEquals(true, again.reason().contains("stays with its owner a1"), again.reason());

        // Explicit reassignment to a named rep, then to the next free rep of the team.
        admin(tenant).body("{\"repId\": \"b1\"}").post("/v1/leads/s1/reassign").then().statusCode(200)
                .body("ownerRepId", equalTo("b1")).body("teamId", equalTo("rest"));
        LeadStageChanged reassigned = Published.awaitStageChange(key, c -> "b1".equals(c.ownerRepId()))
                .stream().filter(c -> "b1".equals(c.ownerRepId())).findFirst().orElseThrow();
        assertEquals("reassign", reassigned.ruleId());
        admin(tenant).body("{\"repId\": \"nobody\"}").post("/v1/leads/s1/reassign").then().statusCode(400)
                .body("errors[0].field", equalTo("repId"));
        admin(tenant).body("{\"repId\": \"a3\"}").post("/v1/leads/s1/reassign").then().statusCode(409)
                .body("errors[0].message", containsString("not active"));
        reader(tenant).body("{}").post("/v1/leads/s1/reassign").then().statusCode(403);
        admin(tenant).body("{}").post("/v1/leads/unknown/reassign").then().statusCode(404);
        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
    }

    @Test
    void openLeadCountsWrittenBehindTheirBackAreRepairedByTheReconciliation() {
        String tenant = Fixtures.tenant("counts");
        setUpTeams(tenant);
        toMql(tenant, "l1", 45, DE);
        toMql(tenant, "l2", 50, DE);
        toMql(tenant, "us", 42, Map.of("country", "US"));
        reader(tenant).get("/v1/reps/a1").then().body("openLeads", equalTo(1));
        assertEquals(0, counts.reconcile(tenant).await().indefinitely(), "nothing to repair after routing's own writes");

        // What a writer that does not keep the counts leaves behind (an older version during a rolling upgrade).
        pool.preparedQuery("UPDATE rep_open_leads SET open_leads = 7 WHERE tenant = $1 AND rep_id = 'a1'")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant)).await().indefinitely();
        pool.preparedQuery("DELETE FROM rep_open_leads WHERE tenant = $1 AND rep_id = 'b1'")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant)).await().indefinitely();
        pool.preparedQuery("UPDATE lead_stage SET owner_rep_id = 'a2' WHERE tenant = $1 AND lead_id = 'l1'")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant)).await().indefinitely();
        reader(tenant).get("/v1/reps/a1").then().body("openLeads", equalTo(7));

        assertEquals(3, counts.reconcile(tenant).await().indefinitely(), "a1, a2 and b1 were wrong");
        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
        reader(tenant).get("/v1/reps/a1").then().body("openLeads", equalTo(0));
        reader(tenant).get("/v1/reps/a2").then().body("openLeads", equalTo(2));
        reader(tenant).get("/v1/reps/b1").then().body("openLeads", equalTo(1));
        // The scheduled run goes through every tenant.
        pool.preparedQuery("UPDATE rep_open_leads SET open_leads = 5 WHERE tenant = $1 AND rep_id = 'a1'")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant)).await().indefinitely();
        org.junit.jupiter.api.Assertions.assertTrue(counts.reconcileAll().await().indefinitely() >= 1);
        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
    }

    @Test
    void aReconciliationRacingAWriterThatCreatesARepsCountRowCountsItsLeadToo() throws Exception {
        String tenant = Fixtures.tenant("race");
        setUpTeams(tenant);
        toMql(tenant, "us", 42, Map.of("country", "US"));
        // b1's count row is missing (a writer bypassed it): the reconciliation has to create it.
        pool.preparedQuery("DELETE FROM rep_open_leads WHERE tenant = $1 AND rep_id = 'b1'")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant)).await().indefinitely();

        // A writer, not committed yet, gives b1 a second open lead and creates b1's count row for it.
        java.util.concurrent.CompletableFuture<Integer> reconciled = OtherTransaction.run(pool, writer -> {
            writer.preparedQuery("INSERT INTO lead_stage (tenant, lead_id, stage, since, policy_version, owner_rep_id, "
                    + "team_id, queue_score, attributes, transition_count, updated_at) VALUES ($1, 'us2', 'mql', now(), "
                    + "0, 'b1', 'rest', 0, '{}', 1, now())").execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant))
                    .await().indefinitely();
            writer.preparedQuery("INSERT INTO rep_open_leads (tenant, rep_id, open_leads) VALUES ($1, 'b1', 1) "
                    + "ON CONFLICT (tenant, rep_id) DO UPDATE SET open_leads = rep_open_leads.open_leads + 1")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant)).await().indefinitely();
            java.util.concurrent.CompletableFuture<Integer> reconciliation = counts.reconcile(tenant)
                    .subscribeAsCompletionStage();
            // The reconciliation waits for the writer's row, whichever of its statements meets it first.
            OtherTransaction.awaitWaitingForLock(pool, "%rep_open_leads%",
                    "the reconciliation never waited for the writer's count row");
            return reconciliation;
        });
        reconciled.get(10, java.util.concurrent.TimeUnit.SECONDS);
        // Counted after the writer committed: both of b1's leads, not the one the reconciliation first saw.
        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
        reader(tenant).get("/v1/reps/b1").then().body("openLeads", equalTo(2));
    }

    @Test
    void workQueuesAreOrderedByScoreAndPaginated() {
        String tenant = Fixtures.tenant("queue");
        double[] scores = {41, 77, 52, 66, 45};
        for (int i = 0; i < scores.length; i++) {
            toMql(tenant, "q" + i, scores[i], Map.of());
        }
        var first = reader(tenant).get("/v1/queues/mql?limit=2").then().statusCode(200)
                .body("items.leadId", contains("q1", "q3"))
                .body("items.score", contains(77f, 66f))
                .body("next", notNullValue()).extract().path("next");
        var second = reader(tenant).get("/v1/queues/mql?limit=2&after=" + first).then().statusCode(200)
                .body("items.leadId", contains("q2", "q4")).extract().path("next");
        reader(tenant).get("/v1/queues/mql?limit=2&after=" + second).then().statusCode(200)
                .body("items.leadId", contains("q0")).body("next", nullValue());
        reader(tenant).get("/v1/queues/sql").then().statusCode(200).body("items", hasSize(0));
        reader(tenant).get("/v1/queues/hot").then().statusCode(400).body("errors[0].field", equalTo("stage"));
        reader(tenant).get("/v1/queues/mql?limit=0").then().statusCode(400).body("errors[0].field", equalTo("limit"));
        for (String limit : List.of("abc", "2.5", "-1", "201", "99999999999")) {
            reader(tenant).queryParam("limit", limit).get("/v1/queues/mql").then().statusCode(400)
                    .body("errors[0].field", equalTo("limit"))
                    .body("errors[0].message", equalTo("must be a whole number from 1 to 200, not '" + limit + "'"));
        }
        reader(tenant).queryParam("team", "a\u0000b").get("/v1/queues/mql").then().statusCode(400)
                .body("errors[0].field", equalTo("team"));
        reader(tenant).queryParam("owner", "a\u0000b").get("/v1/queues/mql").then().statusCode(400)
                .body("errors[0].field", equalTo("owner"));
        reader(tenant).get("/v1/queues/mql?after=garbage!").then().statusCode(400)
                .body("errors[0].field", equalTo("after"));
        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
    }

    @Test
    void repsAndTeamsAreValidatedPrecisely() {
        String tenant = Fixtures.tenant("valid");
        admin(tenant).body("{\"name\": \"X\", \"team\": \"ghost\", \"capacity\": 3}").put("/v1/reps/r1").then()
                .statusCode(400).body("errors[0].field", equalTo("team"))
                .body("errors[0].message", containsString("no team ghost"));
        admin(tenant).body("{\"name\": \"\", \"capacity\": -1, \"active\": \"yes\", \"boss\": 1}").put("/v1/reps/r1")
                .then().statusCode(400)
                .body("errors.field", hasItems("name", "capacity", "active", "boss"));
        admin(tenant).body("{\"name\": \"X\", \"capacity\": 3}").put("/v1/reps/Bad%20Id").then().statusCode(400)
                .body("errors[0].field", equalTo("repId"));
        admin(tenant).body("{\"name\": \"T\", \"members\": [\"r1\"]}").put("/v1/teams/t1").then().statusCode(400)
                .body("errors[0].field", equalTo("members"))
                .body("errors[0].message", containsString("PUT /v1/reps/{repId}"));
        admin(tenant).body("{\"name\": \"T\", \"territory\": [{\"attribute\": \"country\", \"in\": []}]}")
                .put("/v1/teams/t1").then().statusCode(400).body("errors[0].field", equalTo("territory[0].in"));
        admin(tenant).body("{\"name\": \"T\", \"territory\": {\"country\": \"DE\"}}").put("/v1/teams/t1").then()
                .statusCode(400).body("errors[0].field", equalTo("territory"));
        // PostgreSQL cannot store NUL; a name is one line.
        admin(tenant).body("{\"name\": \"A\\u0000B\", \"capacity\": 3}").put("/v1/reps/r1").then().statusCode(400)
                .body("errors[0].field", equalTo("name"))
                .body("errors[0].message", equalTo("must not contain control characters"));
        admin(tenant).body("{\"name\": \"T\\u0007\"}").put("/v1/teams/t1").then().statusCode(400)
                .body("errors[0].field", equalTo("name"))
                .body("errors[0].message", equalTo("must not contain control characters"));
        admin(tenant).body("{\"name\": \"T\", \"territory\": [{\"attribute\": \"country\", \"in\": [\"D\\u0000E\"]}]}")
                .put("/v1/teams/t1").then().statusCode(400).body("errors[0].field", equalTo("territory[0].in"))
                .body("errors[0].message", equalTo("must not contain the NUL character"));
        admin(tenant).body("{\"name\": \"T\", \"territory\": [{\"attribute\": \"coun\\u0000try\", \"exists\": true}]}")
                .put("/v1/teams/t1").then().statusCode(400).body("errors[0].field", equalTo("territory[0].attribute"));
        admin(tenant).body("{not json").put("/v1/teams/t1").then().statusCode(400)
                .body("errors[0].message", containsString("malformed JSON"));
        admin(tenant).get("/v1/teams/t1").then().statusCode(404);
        admin(tenant).get("/v1/reps/r1").then().statusCode(404);

        admin(tenant).body("{\"name\": \"One\", \"default\": true}").put("/v1/teams/one").then().statusCode(201);
        admin(tenant).body("{\"name\": \"Two\", \"default\": true}").put("/v1/teams/two").then().statusCode(409)
                .body("errors[0].message", containsString("one is already the default"));
        admin(tenant).body("{\"name\": \"One again\", \"default\": true}").put("/v1/teams/one").then()
                .statusCode(200).body("name", equalTo("One again"));
        admin(tenant).body("{\"name\": \"R\", \"team\": \"one\", \"capacity\": 3}").put("/v1/reps/r1").then()
                .statusCode(201).body("active", equalTo(true)).body("openLeads", equalTo(0));
        reader(tenant).body("{\"name\": \"R\", \"capacity\": 3}").put("/v1/reps/r2").then().statusCode(403);
        reader(tenant).get("/v1/reps").then().statusCode(200).body("repId", contains("r1"));
        reader(tenant).get("/v1/teams").then().statusCode(200).body("teamId", contains("one"));
    }
}
