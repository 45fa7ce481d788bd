package io.leadscore.routing.lead;

import static io.leadscore.routing.support.Fixtures.admin;
import static io.leadscore.routing.support.Fixtures.as;
import static io.leadscore.routing.support.Fixtures.reader;
import static io.leadscore.routing.support.Fixtures.score;
import static io.leadscore.routing.support.Fixtures.send;
import static io.leadscore.routing.support.Fixtures.tick;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.leadscore.contracts.LeadEvent;
import io.leadscore.contracts.LeadStageChanged;
import io.leadscore.contracts.MessageKeys;
import io.leadscore.contracts.Topics;
import io.leadscore.routing.RoutingTestInfra;
import io.leadscore.routing.support.Fixtures;
import io.leadscore.routing.support.Published;
import io.leadscore.routing.support.TestClock;
import io.leadscore.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgPool;

/** Sales feedback moves stages and goes into the lead's event log through Kafka like every other fact. */
@QuarkusTest
@WithTestResource(RoutingTestInfra.class)
class FeedbackTest {

    @Inject
    PgPool pool;

    @Inject
    TestClock clock;

    @Inject
    Timers timers;

    static void toMql(String tenant, String lead) {
        send(score(tenant, lead, "engagement", 45, "warm", tick(), Map.of()));
        Published.awaitStageChange(MessageKeys.leadKey(tenant, lead), c -> "mql".equals(c.toStage()));
    }

    /** The first event routing appended to the lead's log: the sales outcome of the first feedback. */
    static LeadEvent salesOutcome(String tenant, String lead) {
        return Published.await(Topics.LEAD_EVENTS, MessageKeys.leadKey(tenant, lead), 1).stream()
                .map(r -> Published.read(r.value(), LeadEvent.class)).findFirst().orElseThrow();
    }

    /** Waits until the read model has applied an engagement score. */
    static void awaitScore(String tenant, String lead, float engagement) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Float.valueOf(engagement)
                .equals(reader(tenant).get("/v1/leads/{id}/stage", lead).then().extract()
                        .path("scores.find { it.modelId == 'engagement' }.score")));
    }

    @Test
    void rejectionGoesBackToNurtureWithACoolDownAndIsAppendedToTheEventLog() {
        String tenant = Fixtures.tenant("reject");
        Fixtures.defaultTeamWithRepR1(tenant);
        String key = MessageKeys.leadKey(tenant, "l1");
        toMql(tenant, "l1");

        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        reader(tenant).body("{\"outcome\": \"rejected\", \"reason\": \"no budget this year\"}")
                .post("/v1/leads/l1/feedback").then().statusCode(200)
                .body("stage", equalTo("nurture"))
                .body("transitionIds", hasSize(2))
                .body("eventId", startsWith("feedback-"));

        reader(tenant).get("/v1/leads/l1/stage").then()
                .body("stage", equalTo("nurture"))
                .body("ownerRepId", equalTo(null))
                .body("history.toStage", contains("mql", "rejected", "nurture"))
                .body("history[1].ruleId", equalTo("feedback"))
                .body("history[1].reason", containsString("no budget this year"))
                .body("history[1].ownerRepId", equalTo("r1"));
        String cooldown = reader(tenant).get("/v1/leads/l1/stage").then().extract().path("cooldownUntil");
        assertTrue(Duration.between(now, Instant.parse(cooldown)).compareTo(Duration.ofDays(30)) >= 0);

        List<LeadStageChanged> changes = Published.awaitStageChange(key, c -> "nurture".equals(c.toStage()));
        assertEquals(List.of("mql", "rejected", "nurture"), changes.stream().map(LeadStageChanged::toStage).toList());
        assertEquals(1, Published.queue(Topics.LEADS_NURTURE, key).size(), "the nurture queue gets it back");

        LeadEvent outcome = salesOutcome(tenant, "l1");
        assertEquals("sales_outcome", outcome.type());
        assertEquals(tenant, outcome.tenant());
        assertEquals("l1", outcome.leadId());
        assertTrue(outcome.eventId().startsWith("feedback-"));
        assertEquals(Map.of("outcome", "rejected", "reason", "no budget this year", "repId", "r1"),
                outcome.properties());
        assertEquals(LeadEvent.CURRENT_SCHEMA_VERSION, outcome.schemaVersion());

        // During the cool-down a hot score does not re-qualify the lead.
        send(score(tenant, "l1", "engagement", 80, "hot", tick(), Map.of()));
        awaitScore(tenant, "l1", 80f);
        reader(tenant).get("/v1/leads/l1/stage").then().body("stage", equalTo("nurture")).body("history", hasSize(3));

        // Once it is over, the next timer run re-qualifies it.
        clock.advance(Duration.ofDays(30).plusMinutes(1));
        timers.runDue().await().indefinitely();
        Published.awaitStageChange(key, c -> "mql".equals(c.toStage()) && "nurture".equals(c.fromStage()));
        reader(tenant).get("/v1/leads/l1/stage").then().body("stage", equalTo("mql"))
                .body("history[3].ruleId", equalTo("mql-hot"));
        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
    }

    @Test
    void aRepeatedRejectionConflictsNamingTheStageAndChangesNothing() {
        String tenant = Fixtures.tenant("reject2");
        Fixtures.defaultTeamWithRepR1(tenant);
        String key = MessageKeys.leadKey(tenant, "l1");
        toMql(tenant, "l1");
        String body = "{\"outcome\": \"rejected\", \"reason\": \"no budget\"}";
        reader(tenant).body(body).post("/v1/leads/l1/feedback").then().statusCode(200).body("stage", equalTo("nurture"));
        String cooldown = reader(tenant).get("/v1/leads/l1/stage").then().extract().path("cooldownUntil");
        Published.await(Topics.LEAD_EVENTS, key, 1);

        clock.advance(Duration.ofMinutes(1));
        // A client retrying the same call (its first answer lost): the lead is back in nurture.
        reader(tenant).body(body).post("/v1/leads/l1/feedback").then().statusCode(409)
                .body("errors[0].message", equalTo("the lead is nurture; only a lead in mql or sql can be rejected"));
        reader(tenant).get("/v1/leads/l1/stage").then().body("stage", equalTo("nurture"))
                .body("history.toStage", contains("mql", "rejected", "nurture"))
                .body("cooldownUntil", equalTo(cooldown));
        assertEquals(List.of("mql", "rejected", "nurture"), Published.stageChanges(key).stream()
                .map(LeadStageChanged::toStage).toList());
        assertEquals(1, Published.on(Topics.LEAD_EVENTS, key).size(), "one sales outcome for scoring to count");

        // An accepted lead is not rejected either: it ends as converted or lost.
        toMql(tenant, "l2");
        reader(tenant).body("{\"outcome\": \"accepted\"}").post("/v1/leads/l2/feedback").then().statusCode(200);
        reader(tenant).body(body).post("/v1/leads/l2/feedback").then().statusCode(409)
                .body("errors[0].message", containsString("the lead is accepted"));
        reader(tenant).get("/v1/leads/l2/stage").then().body("stage", equalTo("accepted")).body("ownerRepId",
                equalTo("r1"));
        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
    }

    @Test
    void convertedIsFinalAndFeedbackOnItConflicts() {
        String tenant = Fixtures.tenant("convert");
        toMql(tenant, "l1");
        admin(tenant).body("{\"outcome\": \"converted\", \"reason\": \"signed\"}").post("/v1/leads/l1/feedback").then()
                .statusCode(200).body("stage", equalTo("converted"));
        send(score(tenant, "l1", "engagement", 10, "cold", tick(), Map.of()));
        awaitScore(tenant, "l1", 10f);
        reader(tenant).get("/v1/leads/l1/stage").then().body("stage", equalTo("converted"));
        reader(tenant).body("{\"outcome\": \"lost\"}").post("/v1/leads/l1/feedback").then().statusCode(409)
                .body("errors[0].message", containsString("final"));
        LeadEvent converted = salesOutcome(tenant, "l1");
        assertEquals("converted", converted.properties().get("outcome"));
        assertNull(converted.properties().get("repId"), "the lead had no owner and no rep was named");
        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
    }

    @Test
    void acceptingAnUnownedLeadNamesItsOwnerWhateverItsCapacityButNotAnInactiveRep() {
        String tenant = Fixtures.tenant("accept");
        admin(tenant).body("{\"name\": \"S\"}").put("/v1/teams/s").then().statusCode(201);
        admin(tenant).body("{\"name\": \"R\", \"team\": \"s\", \"capacity\": 0}").put("/v1/reps/r9").then()
                .statusCode(201);
        admin(tenant).body("{\"name\": \"Gone\", \"team\": \"s\", \"capacity\": 5, \"active\": false}")
                .put("/v1/reps/r8").then().statusCode(201);
        toMql(tenant, "l1");
        reader(tenant).get("/v1/leads/l1/stage").then().body("waiting", equalTo(true));
        reader(tenant).body("{\"outcome\": \"accepted\", \"repId\": \"r8\"}").post("/v1/leads/l1/feedback").then()
                .statusCode(409).body("errors[0].message", equalTo("rep r8 is not active, so it cannot take lead l1"));
        reader(tenant).get("/v1/leads/l1/stage").then().body("stage", equalTo("mql")).body("waiting", equalTo(true));
        reader(tenant).body("{\"outcome\": \"accepted\", \"repId\": \"r9\"}").post("/v1/leads/l1/feedback").then()
                .statusCode(200).body("stage", equalTo("accepted")).body("ownerRepId", equalTo("r9"));
        reader(tenant).body("{\"outcome\": \"accepted\"}").post("/v1/leads/l1/feedback").then().statusCode(409)
                .body("errors[0].message", containsString("already accepted"));
        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
    }

    static io.restassured.specification.RequestSpecification rep(String tenant, String repId) {
        return io.restassured.RestAssured.given().auth().oauth2(Tokens.repToken(tenant, repId))
                .contentType(io.restassured.http.ContentType.JSON);
    }

    @Test
    void aRepsOwnTokenRecordsFeedbackOnlyOnThatRepsLeadsAndOnlyAsThatRep() {
        String tenant = Fixtures.tenant("repfb");
        Fixtures.defaultTeamWithRepR1(tenant);
        toMql(tenant, "l1");
        reader(tenant).get("/v1/leads/l1/stage").then().body("ownerRepId", equalTo("r1"));

        rep(tenant, "r2").body("{\"outcome\": \"accepted\"}").post("/v1/leads/l1/feedback").then().statusCode(403)
                .body("errors[0].message", equalTo("lead l1 is not owned by rep 'r2'; a rep's token records feedback "
                        + "only on that rep's own leads, or takes a lead waiting for an owner in its team's queue"));
        rep(tenant, "r1").body("{\"outcome\": \"accepted\", \"repId\": \"r2\"}").post("/v1/leads/l1/feedback").then()
                .statusCode(403).body("errors[0].field", equalTo("repId"));
        // A rep's token reads its own leads and its own queue, and no other rep's.
        rep(tenant, "r1").get("/v1/leads/l1/stage").then().statusCode(200).body("ownerRepId", equalTo("r1"));
        rep(tenant, "r2").get("/v1/leads/l1/stage").then().statusCode(403)
                .body("errors[0].message", containsString("not owned by rep 'r2'"));
        rep(tenant, "r1").get("/v1/queues/mql").then().statusCode(200).body("items.leadId", contains("l1"));
        rep(tenant, "r2").get("/v1/queues/mql").then().statusCode(200).body("items", hasSize(0));
        rep(tenant, "r1").get("/v1/queues/mql?owner=r2").then().statusCode(403).body("errors[0].field",
                equalTo("owner"));
        reader(tenant).get("/v1/leads/l1/stage").then().body("stage", equalTo("mql")).body("history", hasSize(1));
        assertEquals(List.of(), Published.on(Topics.LEAD_EVENTS, MessageKeys.leadKey(tenant, "l1")));

        rep(tenant, "r1").body("{\"outcome\": \"accepted\"}").post("/v1/leads/l1/feedback").then().statusCode(200)
                .body("stage", equalTo("accepted")).body("ownerRepId", equalTo("r1"));
        LeadEvent accepted = salesOutcome(tenant, "l1");
        assertEquals("r1", accepted.properties().get("repId"));
        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
    }

    /** Team "s", the default (where the test leads, outside France, wait), and team "t" for France. */
    static void teamsSAndT(String tenant) {
        admin(tenant).body("{\"name\": \"S\", \"default\": true}").put("/v1/teams/s").then().statusCode(201);
        admin(tenant).body("{\"name\": \"T\", \"territory\": [{\"attribute\": \"country\", \"in\": [\"FR\"]}]}")
                .put("/v1/teams/t").then().statusCode(201);
    }

    @Test
    void aRepsOwnTokenListsReadsAndAcceptsTheLeadsWaitingInItsTeamsQueueUpToItsCapacity() {
        String tenant = Fixtures.tenant("repclaim");
        teamsSAndT(tenant);
        admin(tenant).body("{\"name\": \"Ana\", \"team\": \"s\", \"capacity\": 1}").put("/v1/reps/ana").then()
                .statusCode(201);
        admin(tenant).body("{\"name\": \"Off\", \"team\": \"s\", \"active\": false, \"capacity\": 5}")
                .put("/v1/reps/off").then().statusCode(201);
        admin(tenant).body("{\"name\": \"Bob\", \"team\": \"t\", \"capacity\": 5}").put("/v1/reps/bob").then()
                .statusCode(201);
        toMql(tenant, "l0");
        reader(tenant).get("/v1/leads/l0/stage").then().body("ownerRepId", equalTo("ana"));
        toMql(tenant, "l1");
        reader(tenant).get("/v1/leads/l1/stage").then().body("waiting", equalTo(true)).body("teamId", equalTo("s"));

        // The team's queue of waiting leads: its own team's only.
        rep(tenant, "ana").get("/v1/queues/mql?owner=unassigned").then().statusCode(200)
                .body("items.leadId", contains("l1"));
        rep(tenant, "bob").get("/v1/queues/mql?owner=unassigned").then().statusCode(200).body("items", hasSize(0));
        rep(tenant, "bob").get("/v1/queues/mql?owner=unassigned&team=s").then().statusCode(403)
                .body("errors[0].field", equalTo("team"));
        rep(tenant, "ana").get("/v1/queues/accepted?owner=unassigned").then().statusCode(403)
                .body("errors[0].message", containsString("in mql and sql only"));
        rep(tenant, "ghost").get("/v1/queues/mql?owner=unassigned").then().statusCode(403)
                .body("errors[0].message", containsString("in no team"));
        rep(tenant, "ana").get("/v1/leads/l1/stage").then().statusCode(200).body("waiting", equalTo(true));
        rep(tenant, "bob").get("/v1/leads/l1/stage").then().statusCode(403);

        // Taking it: by accepting, in its own team, while active and below capacity.
        rep(tenant, "ana").body("{\"outcome\": \"accepted\"}").post("/v1/leads/l1/feedback").then().statusCode(409)
                .body("errors[0].message", equalTo("rep ana already has 1 open lead(s), its capacity"));
        rep(tenant, "bob").body("{\"outcome\": \"accepted\"}").post("/v1/leads/l1/feedback").then().statusCode(403)
                .body("errors[0].message", containsString("it waits in team s's queue, and rep 'bob' is in team t"));
        rep(tenant, "off").body("{\"outcome\": \"accepted\"}").post("/v1/leads/l1/feedback").then().statusCode(409)
                .body("errors[0].message", equalTo("rep off is not active"));
        rep(tenant, "ana").body("{\"outcome\": \"rejected\"}").post("/v1/leads/l1/feedback").then().statusCode(403);
        reader(tenant).get("/v1/leads/l1/stage").then().body("waiting", equalTo(true)).body("history", hasSize(1));
        assertEquals(List.of(), Published.on(Topics.LEAD_EVENTS, MessageKeys.leadKey(tenant, "l1")));

        // With a free slot (its other lead rejected back to nurture), the rep takes the lead.
        rep(tenant, "ana").body("{\"outcome\": \"rejected\"}").post("/v1/leads/l0/feedback").then().statusCode(200);
        rep(tenant, "ana").body("{\"outcome\": \"accepted\"}").post("/v1/leads/l1/feedback").then().statusCode(200)
                .body("stage", equalTo("accepted")).body("ownerRepId", equalTo("ana")).body("teamId", equalTo("s"));
        assertEquals("ana", salesOutcome(tenant, "l1").properties().get("repId"));
        rep(tenant, "ana").get("/v1/leads/l1/stage").then().statusCode(200).body("ownerRepId", equalTo("ana"));
        rep(tenant, "ana").get("/v1/queues/mql?owner=unassigned").then().body("items", hasSize(0));
        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
    }

    @Test
    void aRepsOwnTokenClaimsAWaitingLeadWhichKeepsItsStageAndStartsItsSla() {
        String tenant = Fixtures.tenant("claim");
        teamsSAndT(tenant);
        admin(tenant).body("{\"name\": \"Ana\", \"team\": \"s\", \"capacity\": 0}").put("/v1/reps/ana").then()
                .statusCode(201);
        admin(tenant).body("{\"name\": \"Bob\", \"team\": \"t\", \"capacity\": 5}").put("/v1/reps/bob").then()
                .statusCode(201);
        toMql(tenant, "l1");
        reader(tenant).get("/v1/leads/l1/stage").then().body("waiting", equalTo(true)).body("teamId", equalTo("s"));

        // Refused: at capacity, another team's rep, a token that is not a rep's own, an unknown lead.
        rep(tenant, "ana").post("/v1/leads/l1/claim").then().statusCode(409)
                .body("errors[0].message", equalTo("rep ana already has 0 open lead(s), its capacity"));
        rep(tenant, "bob").post("/v1/leads/l1/claim").then().statusCode(403)
                .body("errors[0].message", containsString("it waits in team s's queue, and rep 'bob' is in team t"));
        admin(tenant).post("/v1/leads/l1/claim").then().statusCode(403);
        io.restassured.RestAssured.given().auth().oauth2(Tokens.repToken(tenant, "ana", "read"))
                .post("/v1/leads/l1/claim").then().statusCode(403)
                .body("errors[0].message", containsString("admins give leads with reassign"));
        rep(tenant, "ana").post("/v1/leads/nobody/claim").then().statusCode(404);
        reader(tenant).get("/v1/leads/l1/stage").then().body("waiting", equalTo(true)).body("history", hasSize(1));

        admin(tenant).body("{\"name\": \"Ana\", \"team\": \"s\", \"capacity\": 3}").put("/v1/reps/ana").then()
                .statusCode(200);
        rep(tenant, "ana").post("/v1/leads/l1/claim").then().statusCode(200).body("stage", equalTo("mql"))
                .body("ownerRepId", equalTo("ana")).body("teamId", equalTo("s")).body("transitionIds", hasSize(1));
        reader(tenant).get("/v1/leads/l1/stage").then().body("stage", equalTo("mql")).body("waiting", equalTo(false))
                .body("ownerRepId", equalTo("ana")).body("slaDeadline", org.hamcrest.Matchers.notNullValue())
                .body("history[1].reason", equalTo("claimed by ana from team s's queue"));
        List<io.leadscore.contracts.LeadStageChanged> changes = Published.awaitStageChange(
                MessageKeys.leadKey(tenant, "l1"), c -> "ana".equals(c.ownerRepId()));
        assertEquals(false, changes.get(changes.size() - 1).alert(), "the rep who claimed it needs no alert");
        // Claimed once: it no longer waits, so a second claim is refused and nothing changes.
        rep(tenant, "ana").post("/v1/leads/l1/claim").then().statusCode(403)
                .body("errors[0].message", equalTo("lead l1 is not waiting for an owner: it is mql, owned by ana"));
        reader(tenant).get("/v1/leads/l1/stage").then().body("history", hasSize(2));
        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
    }

    @Test
    void badFeedbackIsRejectedPreciselyAndChangesNothing() {
        String tenant = Fixtures.tenant("badfb");
        toMql(tenant, "l1");
        reader(tenant).body("{\"outcome\": \"won\", \"mood\": \"happy\", \"reason\": 5}").post("/v1/leads/l1/feedback")
                .then().statusCode(400).body("errors.field", hasItems("outcome", "mood", "reason"));
        reader(tenant).body("{\"outcome\": \"accepted\", \"repId\": \"ghost\"}").post("/v1/leads/l1/feedback").then()
                .statusCode(400).body("errors[0].field", equalTo("repId"));
        reader(tenant).body("[]").post("/v1/leads/l1/feedback").then().statusCode(400);
        // PostgreSQL cannot store NUL in text.
        reader(tenant).body("{\"outcome\": \"rejected\", \"reason\": \"no\\u0000budget\"}").post("/v1/leads/l1/feedback")
                .then().statusCode(400).body("errors[0].field", equalTo("reason"))
                .body("errors[0].message", equalTo("must not contain the NUL character"));
        reader(tenant).body("{\"outcome\": \"accepted\"}").post("/v1/leads/a\u0000b/feedback").then().statusCode(404);
        reader(tenant).get("/v1/leads/a\u0000b/stage").then().statusCode(404);
        reader(tenant).body("{\"outcome\": \"accepted\"}").post("/v1/leads/nobody/feedback").then().statusCode(404);
        as(tenant, "ingest").body("{\"outcome\": \"accepted\"}").post("/v1/leads/l1/feedback").then().statusCode(403);
        io.restassured.RestAssured.given().contentType("application/json").body("{\"outcome\": \"accepted\"}")
                .post("/v1/leads/l1/feedback").then().statusCode(401);
        reader(tenant).get("/v1/leads/l1/stage").then().body("stage", equalTo("mql")).body("history", hasSize(1));
        assertEquals(List.of(), Published.on(Topics.LEAD_EVENTS, MessageKeys.leadKey(tenant, "l1")));
    }
}
