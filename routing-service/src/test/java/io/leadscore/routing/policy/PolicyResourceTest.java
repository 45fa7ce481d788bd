package io.leadscore.routing.policy;

import static io.leadscore.routing.support.Fixtures.admin;
import static io.leadscore.routing.support.Fixtures.reader;
import static io.leadscore.routing.support.Fixtures.score;
import static io.leadscore.routing.support.Fixtures.send;
import static io.leadscore.routing.support.Fixtures.tick;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.leadscore.contracts.LeadStageChanged;
import io.leadscore.contracts.MessageKeys;
import io.leadscore.routing.RoutingTestInfra;
import io.leadscore.routing.lead.Timers;
import io.leadscore.routing.support.Fixtures;
import io.leadscore.routing.support.Published;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Versioned routing policies: publish, read back, precise 400s, and the policy really deciding stages. */
@QuarkusTest
@WithTestResource(RoutingTestInfra.class)
class PolicyResourceTest {

    @Inject
    Timers timers;

    @Inject
    PgPool pool;

    static final String ENTERPRISE = "{\"rules\": [{\"id\": \"enterprise\", \"stage\": \"sql\", \"when\": {\"all\": ["
            + "{\"model\": \"fit\", \"scoreGte\": 50}, {\"attribute\": \"companySize\", \"gte\": 1000}]}}], "
            + "\"default\": \"nurture\", \"rankBy\": \"fit\", \"sla\": {\"sql\": \"PT2H\"}}";

    @Test
    void withoutAPolicyTheBuiltInDefaultIsActive() {
        String tenant = Fixtures.tenant("pol0");
        reader(tenant).get("/v1/routing/policy").then().statusCode(200)
                .body("version", equalTo(0))
                .body("builtIn", equalTo(true))
                .body("definition.rules.id", contains("sql-hot-fit", "mql-hot"))
                .body("definition.sla.sql", equalTo("PT4H"));
        reader(tenant).get("/v1/routing/policy/versions/0").then().statusCode(200).body("builtIn", equalTo(true));
        reader(tenant).get("/v1/routing/policy/versions/1").then().statusCode(404);
        reader(tenant).get("/v1/routing/policy/versions/abc").then().statusCode(404)
                .body("errors[0].message", equalTo("no routing policy version abc"));
    }

    @Test
    void everyPutPublishesTheNextVersion() {
        String tenant = Fixtures.tenant("pol");
        admin(tenant).body(ENTERPRISE).put("/v1/routing/policy").then().statusCode(201)
                .header("Location", "/v1/routing/policy/versions/1")
                .body("version", equalTo(1))
                .body("publishedBy", equalTo("test-user@" + tenant))
                .body("definition.rules[0].id", equalTo("enterprise"));
        admin(tenant).body("{\"rules\": [], \"default\": \"mql\"}").put("/v1/routing/policy").then().statusCode(201)
                .body("version", equalTo(2));
        reader(tenant).get("/v1/routing/policy").then().body("version", equalTo(2))
                .body("definition.default", equalTo("mql"));
        reader(tenant).get("/v1/routing/policy/versions/1").then().statusCode(200)
                .body("definition.rules[0].id", equalTo("enterprise"));
        reader(tenant).get("/v1/routing/policy/versions").then().body("version", contains(2, 1, 0));
        // The active definition again (other key order and spacing): nothing new is published.
        admin(tenant).body("{ \"default\": \"mql\", \"rules\": [] }").put("/v1/routing/policy").then()
                .statusCode(200).header("Location", "/v1/routing/policy/versions/2").body("version", equalTo(2));
        reader(tenant).get("/v1/routing/policy/versions").then().body("version", contains(2, 1, 0));
        // An older version's definition is a change from the active one: it becomes the next version.
        admin(tenant).body(ENTERPRISE).put("/v1/routing/policy").then().statusCode(201).body("version", equalTo(3));
        reader(tenant).body(ENTERPRISE).put("/v1/routing/policy").then().statusCode(403);
        io.restassured.RestAssured.given().contentType("application/json").body(ENTERPRISE)
                .put("/v1/routing/policy").then().statusCode(401);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"rulez\": []}|rulez|unknown field|",
            "{\"rules\": [{\"id\": \"a\", \"stage\": \"won\", \"when\": {\"model\": \"m\", \"band\": \"hot\"}}]}|rules[0].stage|nurture, mql, sql|a",
            "{\"rules\": [{\"id\": \"a\", \"stage\": \"sql\", \"when\": {\"model\": \"m\", \"band\": \"hot\"}}, {\"id\": \"a\", \"stage\": \"mql\", \"when\": {\"model\": \"m\", \"band\": \"warm\"}}]}|rules[1].id|duplicate rule id|a",
            "{\"rules\": [{\"id\": \"a\", \"stage\": \"sql\", \"when\": {\"model\": \"m\", \"band\": \"hot\"}}, {\"id\": \"b\", \"stage\": \"mql\", \"when\": {\"any\": [{\"model\": \"m\", \"scoreGte\": \"high\"}]}}]}|rules[1].when.any[0].scoreGte|must be a number|b",
            "{\"rules\": [{\"id\": \"a\", \"stage\": \"sql\", \"when\": {}}]}|rules[0].when|must not be empty|a",
            "{\"rules\": [{\"id\": \"a\", \"stage\": \"sql\"}]}|rules[0].when|is required|a",
            "{\"rules\": [{\"id\": \"default\", \"stage\": \"sql\", \"when\": {\"model\": \"m\", \"band\": \"hot\"}}]}|rules[0].id|reserved|default",
            "{\"rules\": [{\"id\": \"a\", \"stage\": \"sql\", \"when\": {\"model\": \"m\", \"scoreGte\": 50, \"scoreLt\": 10}}]}|rules[0].when.scoreLt|never both hold|a",
            "{\"rules\": [{\"id\": \"a\", \"stage\": \"sql\", \"when\": {\"attribute\": \"country\", \"in\": \"DE\"}}]}|rules[0].when.in|non-empty array|a",
            "{\"rules\": [{\"id\": \"a\", \"stage\": \"sql\", \"when\": {\"attribute\": \"country\"}}]}|rules[0].when|exactly one of|a",
            "{\"sla\": {\"sql\": \"4 hours\"}}|sla.sql|ISO-8601 duration|",
            "{\"sla\": {\"sql\": \"P1M\"}}|sla.sql|months and years|",
            "{\"sla\": {\"nurture\": \"PT4H\"}}|sla.nurture|mql and sql only|",
            "{\"sla\": {\"mql\": \"P200000000D\"}}|sla.mql|must be at most P36525D (100 years), not P200000000D|",
            "{\"rejectCooldown\": \"P5218W\"}|rejectCooldown|must be at most P36525D (100 years)|",
            "{\"hysteresis\": {\"margin\": -5}}|hysteresis.margin|0 or more|",
            "{\"hysteresis\": {\"margin\": 5, \"dwell\": \"PT0S\"}}|hysteresis.dwell|positive|",
            "{\"rejectCooldown\": \"-P1D\"}|rejectCooldown|zero or positive|",
            "{\"default\": \"converted\"}|default|nurture, mql, sql|",
            "{\"rules\": [{\"id\": \"a\", \"stage\": \"sql\", \"when\": {\"attribute\": \"country\", \"equals\": \"D\\u0000E\"}}]}|rules[0].when.equals|must not contain the NUL character|a",
            "{\"rules\": [{\"id\": \"a\", \"stage\": \"sql\", \"when\": {\"model\": \"m\", \"band\": \"h\\u0000t\"}}]}|rules[0].when.band|without control characters|a",
            "{\"finalStages\": [\"mql\"]}|finalStages[0]|converted|",
            "{\"rules\": {}}|rules|must be an array|",
            "[1, 2]|''|must be a JSON object|",
            "{\"rules\": [}|''|malformed JSON|",
            "{\"default\": \"mql\", \"default\": \"sql\"}|''|Duplicate field|"})
    void badPoliciesGetPrecise400sAndNothingIsStored(String body, String field, String message, String rule) {
        String tenant = Fixtures.tenant("bad");
        var response = admin(tenant).body(body).put("/v1/routing/policy").then().statusCode(400)
                .body("errors[0].field", equalTo(field == null ? "" : field))
                .body("errors[0].message", containsString(message));
        if (rule != null) {
            response.body("errors[0].rule", equalTo(rule));
        }
        reader(tenant).get("/v1/routing/policy").then().body("version", equalTo(0));
    }

    @Test
    void everyProblemIsListedAtOnce() {
        String tenant = Fixtures.tenant("bad");
        admin(tenant).body("{\"rules\": [{\"id\": \"a\", \"stage\": \"x\", \"when\": {}}], \"sla\": {\"sql\": \"x\"}, "
                + "\"hysteresis\": {\"margin\": -1}}").put("/v1/routing/policy").then().statusCode(400)
                .body("errors", hasSize(4))
                .body("errors.field", contains("rules[0].stage", "rules[0].when", "hysteresis.margin", "sla.sql"));
    }

    @Test
    void thePublishedPolicyDecidesAndANewVersionReEvaluatesExistingLeads() {
        String tenant = Fixtures.tenant("apply");
        admin(tenant).body(ENTERPRISE).put("/v1/routing/policy").then().statusCode(201);
        send(score(tenant, "big", "fit", 60, "B", tick(), Map.of("companySize", 5000)));
        send(score(tenant, "small", "fit", 60, "B", tick(), Map.of("companySize", "50")));
        LeadStageChanged big = Published.awaitStageChange(MessageKeys.leadKey(tenant, "big"), c -> true).get(0);
        LeadStageChanged small = Published.awaitStageChange(MessageKeys.leadKey(tenant, "small"), c -> true).get(0);
        assertEquals("sql", big.toStage());
        assertEquals("enterprise", big.ruleId());
        assertEquals(1, big.policyVersion());
        assertEquals("nurture", small.toStage());
        assertEquals("default", small.ruleId());

        admin(tenant).body("{\"rules\": [{\"id\": \"any-fit\", \"stage\": \"sql\", \"when\": {\"model\": \"fit\", "
                + "\"bandIn\": [\"A\", \"B\"]}}]}").put("/v1/routing/policy").then().statusCode(201)
                .body("version", equalTo(2));
        timers.runDue().await().indefinitely();
        List<LeadStageChanged> changes = Published.awaitStageChange(MessageKeys.leadKey(tenant, "small"),
                c -> "sql".equals(c.toStage()));
        assertEquals("any-fit", changes.get(1).ruleId());
        assertEquals(2, changes.get(1).policyVersion());
        assertEquals(1, Published.stageChanges(MessageKeys.leadKey(tenant, "big")).size(),
                "a lead already in the right stage is not moved again");
    }

    @Test
    void aVersionStoredBeforeDurationsWereBoundedStillRoutesWithItsDurationsCutToAHundredYears() {
        String tenant = Fixtures.tenant("oldpol");
        Fixtures.defaultTeamWithRepR1(tenant);
        // Published by a version that did not bound durations yet: a deadline this far away cannot be stored.
        pool.preparedQuery("INSERT INTO routing_policy (tenant, version, definition, published_by, published_at) "
                + "VALUES ($1, 1, '{\"rules\": [{\"id\": \"warm\", \"stage\": \"mql\", \"when\": {\"model\": "
                + "\"engagement\", \"scoreGte\": 40}}], \"sla\": {\"mql\": \"P200000000D\"}}'::jsonb, 'old', now())")
                .execute(Tuple.of(tenant)).await().indefinitely();
        send(score(tenant, "l1", "engagement", 45, "warm", tick(), Map.of()));
        LeadStageChanged mql = Published.awaitStageChange(MessageKeys.leadKey(tenant, "l1"),
                c -> "mql".equals(c.toStage())).get(0);
        assertEquals("r1", mql.ownerRepId());
        assertEquals(mql.changedAt().plus(Duration.ofDays(36_525)), mql.slaDeadline());
        reader(tenant).get("/v1/routing/policy").then().body("version", equalTo(1))
                .body("definition.sla.mql", equalTo("P200000000D"));
    }

    @Test
    void republishingTheActiveDefinitionReEvaluatesTheLeadsAgainSoARetryCompletesAPublish() {
        String tenant = Fixtures.tenant("repub");
        send(score(tenant, "small", "fit", 60, "B", tick(), Map.of("companySize", "50")));
        Published.awaitStageChange(MessageKeys.leadKey(tenant, "small"), c -> "nurture".equals(c.toStage()));
        String anyFit = "{\"rules\": [{\"id\": \"any-fit\", \"stage\": \"sql\", \"when\": {\"model\": \"fit\", "
                + "\"bandIn\": [\"A\", \"B\"]}}]}";
        admin(tenant).body(anyFit).put("/v1/routing/policy").then().statusCode(201).body("version", equalTo(1));
        // The version was committed, but the re-checks were lost (the pod died, the client got a 500).
        pool.preparedQuery("UPDATE lead_stage SET recheck_at = NULL WHERE tenant = $1").execute(Tuple.of(tenant))
                .await().indefinitely();

        admin(tenant).body(anyFit).put("/v1/routing/policy").then().statusCode(200).body("version", equalTo(1));
        reader(tenant).get("/v1/routing/policy/versions").then().body("version", contains(1, 0));
        timers.runDue().await().indefinitely();
        LeadStageChanged sql = Published.awaitStageChange(MessageKeys.leadKey(tenant, "small"),
                c -> "sql".equals(c.toStage())).get(1);
        assertEquals("any-fit", sql.ruleId());
        assertEquals(1, sql.policyVersion());
    }
}
