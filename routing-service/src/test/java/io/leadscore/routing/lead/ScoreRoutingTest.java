package io.leadscore.routing.lead;

import static io.leadscore.routing.support.Fixtures.reader;
import static io.leadscore.routing.support.Fixtures.score;
import static io.leadscore.routing.support.Fixtures.send;
import static io.leadscore.routing.support.Fixtures.tick;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.leadscore.contracts.LeadStageChanged;
import io.leadscore.contracts.MessageHeaders;
import io.leadscore.contracts.MessageKeys;
import io.leadscore.contracts.ScoreChanged;
import io.leadscore.contracts.Topics;
import io.leadscore.routing.RoutingTestInfra;
import io.leadscore.routing.support.Fixtures;
import io.leadscore.routing.support.Published;
import io.leadscore.routing.support.TestClock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Score changes in, stage transitions out, on the real broker and database, under the built-in default policy. */
@QuarkusTest
@WithTestResource(RoutingTestInfra.class)
class ScoreRoutingTest {

    @Inject
    TestClock clock;

    @Inject
    Timers timers;

    static final Map<String, Object> PROFILE = Map.of("country", "DE", "companySize", 500);

    @Test
    void eachTransitionIsPublishedOnceToStageChangesAndItsQueueWithTraceContext() {
        String tenant = Fixtures.tenant("flow");
        String lead = Fixtures.lead();
        String key = MessageKeys.leadKey(tenant, lead);
        String trace1 = Fixtures.traceparent();
        String trace3 = Fixtures.traceparent();

        ScoreChanged warm = score(tenant, lead, "engagement", 45, "warm", tick(), PROFILE);
        send(warm, trace1);
        send(score(tenant, lead, "fit", 80, "A", tick(), PROFILE));
        ScoreChanged base = score(tenant, lead, "engagement", 60, "hot", tick(), PROFILE);
        List<ScoreChanged.RuleContribution> top = List.of(
                new ScoreChanged.RuleContribution("pricing-page", 3, 44.5, "Viewed pricing"),
                new ScoreChanged.RuleContribution("demo", 1, 15.5)); // as from a scoring model without labels
        ScoreChanged hot = new ScoreChanged(base.schemaVersion(), tenant, lead, base.modelId(), base.modelVersion(),
                base.previousScore(), base.score(), base.previousBand(), base.band(), base.cause(), base.computedAt(),
                top, base.attributes(), base.sourceReceivedAt());
        send(hot, trace3);

        List<LeadStageChanged> changes = Published.awaitStageChange(key, c -> "sql".equals(c.toStage()));
        assertEquals(2, changes.size(), "one transition per stage change: " + changes);
        LeadStageChanged toMql = changes.get(0);
        assertNull(toMql.fromStage());
        assertEquals("mql", toMql.toStage());
        assertEquals("mql-hot", toMql.ruleId());
        assertEquals(0, toMql.policyVersion(), "the built-in default policy");
        assertEquals(warm.sourceReceivedAt(), toMql.sourceReceivedAt());
        assertEquals("DE", toMql.attributes().get("country"));
        assertTrue(toMql.alert());
        LeadStageChanged toSql = changes.get(1);
        assertEquals("mql", toSql.fromStage());
        assertEquals("sql", toSql.toStage());
        assertEquals("sql-hot-fit", toSql.ruleId());
        assertEquals(2, toSql.scores().size());
        assertTrue(toSql.scores().stream().anyMatch(s -> s.modelId().equals("engagement") && s.modelVersion() == 1
                && s.score() == 60 && "hot".equals(s.band())), toSql.scores().toString());
        assertTrue(toSql.scores().stream().anyMatch(s -> s.modelId().equals("fit") && s.modelVersion() == 1
                && s.score() == 80 && "A".equals(s.band())), toSql.scores().toString());
        assertTrue(toSql.reason().contains("sql-hot-fit"), toSql.reason());
        // Scoring's top contributions travel on with their labels, so the alert can say why in plain words.
        assertEquals(List.of(new ScoreChanged.RuleContribution("pricing-page", 3, 44.5, "Viewed pricing"),
                new ScoreChanged.RuleContribution("demo", 1, 15.5, "demo")),
                toSql.scores().stream().filter(s -> s.modelId().equals("engagement")).findFirst().orElseThrow()
                        .topContributions());
        assertEquals(List.of(new ScoreChanged.RuleContribution("r", 1, 80, "r")),
                toSql.scores().stream().filter(s -> s.modelId().equals("fit")).findFirst().orElseThrow()
                        .topContributions());
        assertTrue(!toMql.transitionId().equals(toSql.transitionId()));

        // Queue topics carry the same transitions, once each.
        List<LeadStageChanged> mqlQueue = Published.queue(Topics.LEADS_MQL, key);
        List<LeadStageChanged> sqlQueue = Published.await(Topics.LEADS_SQL, key, 1).stream()
                .map(r -> Published.read(r.value(), LeadStageChanged.class)).toList();
        assertEquals(List.of(toMql.transitionId()), mqlQueue.stream().map(LeadStageChanged::transitionId).toList());
        assertEquals(List.of(toSql.transitionId()), sqlQueue.stream().map(LeadStageChanged::transitionId).toList());
        assertEquals(List.of(), Published.on(Topics.LEADS_NURTURE, key));

        // The W3C trace context of the causing score change travels on.
        List<ConsumerRecord<String, String>> records = Published.on(Topics.LEAD_STAGE_CHANGES, key);
        assertEquals(trace1, Published.header(records.get(0), MessageHeaders.TRACEPARENT));
        assertEquals(trace3, Published.header(records.get(1), MessageHeaders.TRACEPARENT));
        assertEquals("1", Published.header(records.get(1), MessageHeaders.SCHEMA_VERSION));

        reader(tenant).get("/v1/leads/{id}/stage", lead).then().statusCode(200)
                .body("stage", equalTo("sql"))
                .body("history", hasSize(2))
                .body("history.toStage", contains("mql", "sql"))
                .body("history.ruleId", contains("mql-hot", "sql-hot-fit"))
                .body("history[1].reason", containsString("sql-hot-fit"))
                .body("scores", hasSize(2))
                .body("attributes.country", equalTo("DE"));
    }

    @Test
    void duplicatesAndReplaysNeverProduceASecondTransition() {
        String tenant = Fixtures.tenant("dup");
        String lead = Fixtures.lead();
        String key = MessageKeys.leadKey(tenant, lead);
        Instant early = tick();
        ScoreChanged old = score(tenant, lead, "engagement", 10, "cold", early, PROFILE);
        ScoreChanged warm = score(tenant, lead, "engagement", 45, "warm", tick(), PROFILE);

        send(warm);
        send(warm); // duplicate
        send(old); // an older change replayed after a newer one
        send(warm);
        send(old);
        // Sentinel: a real drop, after everything above on the same partition.
        send(score(tenant, lead, "engagement", 5, "cold", tick(), PROFILE));

        List<LeadStageChanged> changes = Published.awaitStageChange(key, c -> "nurture".equals(c.toStage()));
        assertEquals(List.of("mql", "nurture"), changes.stream().map(LeadStageChanged::toStage).toList(),
                "the duplicate and the replayed older change made no transition: " + changes);
        reader(tenant).get("/v1/leads/{id}/stage", lead).then().statusCode(200)
                .body("history", hasSize(2));
    }

    @Test
    void hysteresisKeepsALeadInItsStageUntilItFallsMoreThanTheMarginBelowTheEntryRule() {
        String tenant = Fixtures.tenant("hyst");
        String lead = Fixtures.lead();
        String key = MessageKeys.leadKey(tenant, lead);
        // Built-in policy: mql when engagement >= 40, margin 5.
        send(score(tenant, lead, "engagement", 45, "warm", tick(), PROFILE));
        send(score(tenant, lead, "engagement", 37, "warm", tick(), PROFILE));
        send(score(tenant, lead, "engagement", 35, "warm", tick(), PROFILE));
        send(score(tenant, lead, "engagement", 34.5, "warm", tick(), PROFILE));
        send(score(tenant, lead, "engagement", 38, "warm", tick(), PROFILE));
        send(score(tenant, lead, "engagement", 41, "warm", tick(), PROFILE));

        List<LeadStageChanged> changes = Published.awaitStageChange(key,
                c -> "mql".equals(c.toStage()) && "nurture".equals(c.fromStage()));
        assertEquals(List.of("mql", "nurture", "mql"), changes.stream().map(LeadStageChanged::toStage).toList());
        LeadStageChanged down = changes.get(1);
        assertEquals(List.of(34.5), down.scores().stream().map(LeadStageChanged.ModelScore::score).toList(),
                "it left mql only below 40 - 5");
        assertTrue(down.reason().contains("hysteresis margin of 5"), down.reason());
        assertEquals(List.of(41.0), changes.get(2).scores().stream().map(LeadStageChanged.ModelScore::score).toList(),
                "up again only at 40, not at 38");
    }

    @Test
    void afterTheDwellTimeALeadMovesDownWithoutFurtherScoreChanges() {
        String tenant = Fixtures.tenant("dwell");
        String lead = Fixtures.lead();
        String key = MessageKeys.leadKey(tenant, lead);
        send(score(tenant, lead, "engagement", 45, "warm", tick(), PROFILE));
        send(score(tenant, lead, "engagement", 38, "warm", tick(), PROFILE));
        // Sentinel on another lead of the tenant is not ordered with this one; wait for the state instead.
        Published.awaitStageChange(key, c -> "mql".equals(c.toStage()));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> reader(tenant)
                .get("/v1/leads/{id}/stage", lead).then().extract().path("scores[0].score").equals(38.0f));

        timers.runDue().await().indefinitely();
        assertEquals(1, Published.stageChanges(key).size(), "within the dwell time it stays");

        clock.advance(Duration.ofHours(24).plusMinutes(1));
        timers.runDue().await().indefinitely();
        List<LeadStageChanged> changes = Published.awaitStageChange(key, c -> "nurture".equals(c.toStage()));
        assertEquals(2, changes.size());
        assertTrue(changes.get(1).reason().contains("dwell"), changes.get(1).reason());
        reader(tenant).get("/v1/leads/{id}/stage", lead).then().body("stage", equalTo("nurture"));
    }

    @Test
    void unusableScoreChangesAreDeadLetteredWithTheReasonAndTheRestIsRouted() {
        String tenant = Fixtures.tenant("dlq");
        String lead = Fixtures.lead();
        String key = MessageKeys.leadKey(tenant, lead);
        Fixtures.sendRaw(key, "{not json", null);
        ScoreChanged valid = score(tenant, lead, "engagement", 45, "warm", tick(), PROFILE);
        Fixtures.send(new ScoreChanged(1, tenant, "other-lead", "engagement", 1, null, 1, null, null, null, tick(),
                null, null, null)); // key other-lead: fine
        try {
            Fixtures.sendRaw(key, io.leadscore.contracts.ContractsJson.mapper().writeValueAsString(
                    score(tenant, "someone-else", "engagement", 45, "warm", tick(), PROFILE)), null);
            Fixtures.sendRaw(key, io.leadscore.contracts.ContractsJson.mapper().writeValueAsString(
                    new ScoreChanged(1, tenant, lead, "engagement", 1, null, 45, null, null, null, null, null, null,
                            null)),
                    null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        send(valid);

        List<ConsumerRecord<String, String>> dead = Published.await(RoutingTestInfra.DLQ, key, 3);
        assertEquals(3, dead.size());
        assertTrue(Published.header(dead.get(0), MessageHeaders.DEAD_LETTER_REASON).contains("not a ScoreChanged"));
        assertEquals("{not json", dead.get(0).value());
        assertTrue(Published.header(dead.get(1), MessageHeaders.DEAD_LETTER_REASON).contains("does not match"));
        assertTrue(Published.header(dead.get(2), MessageHeaders.DEAD_LETTER_REASON).contains("computedAt"));
        Published.awaitStageChange(key, c -> "mql".equals(c.toStage()));
    }
}
