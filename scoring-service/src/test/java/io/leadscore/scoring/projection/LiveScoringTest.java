package io.leadscore.scoring.projection;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.leadscore.contracts.LeadEvent;
import io.leadscore.contracts.ScoreChanged;
import io.leadscore.scoring.ScoringFixtures;
import io.leadscore.scoring.ScoringTestInfra;
import io.leadscore.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@WithTestResource(ScoringTestInfra.class)
class LiveScoringTest {

    @Inject
    DecayScheduler decay;

    @Inject
    LeadFactsCache cache;

    @Inject
    LiveScoring liveScoring;

    @Inject
    io.leadscore.scoring.eventstore.EventStore eventStore;

    @Inject
    io.vertx.mutiny.pgclient.PgPool pool;

    @Inject
    ProjectionStore projections;

    @Inject
    com.fasterxml.jackson.databind.ObjectMapper mapper;

    @Inject
    io.leadscore.scoring.rescoring.Rescoring rescoring;

    /**
     * A rescoring run that started before an event was scored must not move the lead's row back to its start: the row
     * would lose the event's points, and the drop would be announced as a model-version change.
     */
    @Test
    void rescoringNeverMovesARowBackBeforeWhatLiveScoringAlreadyCounted() throws Exception {
        String tenant = ScoringFixtures.newTenant();
        ScoringFixtures.publishModel(tenant, "engagement", ScoringFixtures.ENGAGEMENT);
        // The run started two seconds ago; the demo request happened one second ago, after it.
        Instant runStart = Instant.now().minusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
        ScoringFixtures.produce(ScoringFixtures.event(tenant, "L", "demo_request", runStart.plusSeconds(1), Map.of()));
        String select = "SELECT score, band, computed_at FROM lead_score WHERE tenant = $1 AND model_id = 'engagement' "
                + "AND lead_id = 'L'";
        var live = await().atMost(Duration.ofSeconds(20)).until(() -> {
            var rows = pool.preparedQuery(select).execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant)).await()
                    .atMost(Duration.ofSeconds(10));
            return rows.size() == 0 ? null : rows.iterator().next();
        }, row -> row != null);
        assertEquals(40.0, live.getDouble("score"), 0.01);

        try (var consumer = ScoringFixtures.scoreChangesConsumer()) {
            assertEquals(1, rescoring.rescore(tenant, "engagement", runStart).await().atMost(Duration.ofSeconds(20)));
            var after = pool.preparedQuery(select).execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant)).await()
                    .atMost(Duration.ofSeconds(10)).iterator().next();
            assertEquals(live.getDouble("score"), after.getDouble("score"), 1e-9, "the demo request still counts");
            assertEquals("warm", after.getString("band"));
            assertTrue(!after.getOffsetDateTime("computed_at").isBefore(live.getOffsetDateTime("computed_at")));
            // The rescoring's messages were sent before it completed; two seconds of polling find them if any.
            List<String> causes = new java.util.ArrayList<>();
            long until = System.currentTimeMillis() + 2_000;
            while (System.currentTimeMillis() < until) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key().startsWith(tenant + "/")) {
                        causes.add(io.leadscore.contracts.ContractsJson.mapper().readValue(r.value(), ScoreChanged.class)
                                .cause().type());
                    }
                }
            }
            assertTrue(!causes.contains(ScoreChanged.Cause.MODEL_VERSION), causes.toString());
        }
    }

    @org.junit.jupiter.api.BeforeAll
    static void exactNumbers() {
        // Scores are doubles; JsonPath would otherwise read them as floats and lose digits.
        io.restassured.RestAssured.config = io.restassured.RestAssured.config().jsonConfig(
                io.restassured.config.JsonConfig.jsonConfig()
                        .numberReturnType(io.restassured.path.json.config.JsonPathConfig.NumberReturnType.DOUBLE));
    }

    static JsonPath scores(String tenant, String leadId, String query) {
        return given().auth().oauth2(Tokens.token(tenant, "read")).when()
                .get("/v1/leads/" + leadId + "/scores" + query).then().statusCode(200).extract().jsonPath();
    }

    static JsonPath explanation(String tenant, String leadId, String model, String query) {
        return given().auth().oauth2(Tokens.token(tenant, "read")).when()
                .get("/v1/leads/" + leadId + "/scores/" + model + "/explanation" + query).then().statusCode(200)
                .extract().jsonPath();
    }

    @Test
    void eventsAreScoredLiveExplainedExactlyAndPublishedOnce() {
        String tenant = ScoringFixtures.newTenant();
        ScoringFixtures.publishModel(tenant, "engagement", ScoringFixtures.ENGAGEMENT);
        Instant t0 = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
        String lead = "lead-1";
        LeadEvent demo = ScoringFixtures.event(tenant, lead, "demo_request", t0, Map.of());
        LeadEvent pricing = ScoringFixtures.event(tenant, lead, "page_view", t0.plusSeconds(60),
                Map.of("url", "https://example.com/pricing"));
        LeadEvent title = ScoringFixtures.profile(tenant, lead, t0.plusSeconds(120), Map.of("jobTitle", "VP Marketing"));

        try (var consumer = ScoringFixtures.scoreChangesConsumer()) {
            ScoringFixtures.produce(demo, pricing, title);
            List<ScoreChanged> changes = ScoringFixtures.changesUntil(consumer, tenant,
                    seen -> seen.stream().anyMatch(c -> "hot".equals(c.band()) && c.attributes() != null
                            && c.attributes().containsKey("jobTitle")));
            ScoreChanged last = changes.get(changes.size() - 1);
            assertEquals("engagement", last.modelId());
            assertEquals(1, last.modelVersion());
            assertEquals(lead, last.leadId());
            assertEquals(ScoreChanged.Cause.EVENT, last.cause().type());
            assertNotNull(last.cause().eventId());
            assertEquals("VP Marketing", last.attributes().get("jobTitle"));
            assertTrue(last.topContributions().stream().anyMatch(c -> c.ruleId().equals("demo")));
            assertNotNull(last.sourceReceivedAt());
            double liveScore = last.score();

            // The explanation at the same instant adds up exactly to the score the live path computed.
            JsonPath ex = explanation(tenant, lead, "engagement", "?at=" + last.computedAt());
            double sum = ex.getList("explanation.contributions.effectivePoints", Double.class).stream()
                    .mapToDouble(Double::doubleValue).sum();
            assertEquals(ex.getDouble("explanation.raw"), sum, 1e-9);
            assertEquals(liveScore, ex.getDouble("explanation.score"), 1e-9);
            assertEquals(liveScore, scores(tenant, lead, "?at=" + last.computedAt()).getDouble("[0].score"), 1e-9);
            assertEquals("hot", ex.getString("explanation.band"));

            // A redelivered (duplicate) event changes nothing and publishes nothing.
            ScoringFixtures.produce(demo);
            LeadEvent sentinel = ScoringFixtures.event(tenant, "lead-sentinel", "demo_request", t0, Map.of());
            ScoringFixtures.produce(sentinel);
            List<ScoreChanged> after = ScoringFixtures.changesUntil(consumer, tenant,
                    seen -> seen.stream().anyMatch(c -> c.leadId().equals("lead-sentinel")));
            assertEquals(1, after.size(), "only the sentinel lead changed: " + after);
        }
        given().auth().oauth2(Tokens.token(tenant, "read")).when()
                .get("/v1/leads/" + lead + "/scores/engagement/history").then().statusCode(200)
                .body("cause.type", org.hamcrest.Matchers.everyItem(equalTo("event")));
        // A rep's own token follows an alert's link to the explanation, but lists no leads.
        given().auth().oauth2(Tokens.repToken(tenant, "rep-1")).when()
                .get("/v1/leads/" + lead + "/scores/engagement/explanation").then().statusCode(200)
                .body("explanation.score", org.hamcrest.Matchers.notNullValue());
        given().auth().oauth2(Tokens.repToken(tenant, "rep-1")).when().get("/v1/leads?model=engagement").then()
                .statusCode(403);
    }

    /**
     * Leads whose histories are not cached are loaded a group at a time (the tests' groups hold 20 events; each lead
     * here has 24 before the new event, so each is a group of its own): in one batch of ten such leads, every lead is
     * still scored on its whole history. The batch goes through the consumer's own store-and-score path in one call,
     * as one poll would, since the broker may hand the events over one by one.
     */
    @Test
    void aBatchOfLeadsWithLongHistoriesIsScoredGroupByGroupOnTheWholeHistory() throws Exception {
        String tenant = ScoringFixtures.newTenant();
        Instant t0 = Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
        int leads = 10;
        storeHistories(tenant, leads, 24, t0);
        // Forget the cached histories, as after a restart or an eviction: the batch must load them all.
        cache.invalidate(java.util.stream.IntStream.range(0, leads)
                .mapToObj(l -> io.leadscore.scoring.eventstore.EventStore.streamKey(tenant, "lead-" + l)).toList());

        List<io.leadscore.scoring.eventstore.StoredEvent> demos = new java.util.ArrayList<>();
        for (int l = 0; l < leads; l++) {
            LeadEvent demo = ScoringFixtures.event(tenant, "lead-" + l, "demo_request", t0.plusSeconds(86_400),
                    Map.of());
            demos.add(new io.leadscore.scoring.eventstore.StoredEvent(tenant, demo.leadId(), demo.eventId(),
                    demo.type(), demo.occurredAt(), Instant.now(),
                    io.leadscore.contracts.ContractsJson.mapper().writeValueAsString(demo), null, Map.of(), null));
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        LiveScoring.Result result = pool.withTransaction(conn -> eventStore.append(conn, demos)
                .chain(appended -> liveScoring.onNewEvents(conn, appended, now)))
                .await().atMost(Duration.ofSeconds(30));
        liveScoring.committed(result);

        assertEquals(leads, result.outbox().size(), "one change per lead");
        for (int l = 0; l < leads; l++) {
            JsonPath ex = explanation(tenant, "lead-" + l, "engagement", "?at=" + now);
            assertEquals(25, countedOrCapped(ex), "lead-" + l);
            assertTrue(ex.getDouble("explanation.score") > 50, "lead-" + l + " counts its history and the demo");
            double stored = pool.preparedQuery("SELECT score FROM lead_score WHERE tenant = $1 AND model_id = "
                    + "'engagement' AND lead_id = $2").execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant, "lead-" + l))
                    .await().indefinitely().iterator().next().getDouble(0);
            assertEquals(ex.getDouble("explanation.score"), stored, 1e-9, "lead-" + l + "'s projection row");
        }
    }

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.datasource.reactive.url")
    String reactiveUrl;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.datasource.username")
    String dbUser;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.datasource.password")
    java.util.Optional<String> dbPassword;

    @Inject
    io.vertx.mutiny.core.Vertx vertx;

    /**
     * A batch's transaction holds one pooled connection; on a cache miss the tenant's models must be read through it,
     * not through a second one: with every connection held by such a transaction, asking the pool for another waits
     * forever. Here the pool has a single connection, which makes the miss inside the transaction that case.
     */
    @Test
    void aBatchReadsItsTenantsModelsThroughItsOwnTransactionNotASecondConnection() throws Exception {
        String tenant = ScoringFixtures.newTenant();
        ScoringFixtures.publishModel(tenant, "engagement", ScoringFixtures.ENGAGEMENT);
        LeadEvent demo = ScoringFixtures.event(tenant, "lead-1", "demo_request", Instant.now().minusSeconds(60),
                Map.of());
        var stored = new io.leadscore.scoring.eventstore.StoredEvent(tenant, demo.leadId(), demo.eventId(),
                demo.type(), demo.occurredAt(), Instant.now(),
                io.leadscore.contracts.ContractsJson.mapper().writeValueAsString(demo), null, Map.of(), null);
        var options = io.vertx.pgclient.PgConnectOptions.fromUri(reactiveUrl).setUser(dbUser)
                .setPassword(dbPassword.orElse(null));
        var onePool = io.vertx.mutiny.pgclient.PgPool.pool(vertx, options,
                new io.vertx.sqlclient.PoolOptions().setMaxSize(1));
        try {
            // A registry of its own: nothing of this tenant cached, so the batch misses.
            var scoring = new LiveScoring(new io.leadscore.scoring.model.ModelRegistry(onePool), projections,
                    new LeadFactsCache(1_000_000));
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            LiveScoring.Result result = onePool.withTransaction(conn -> eventStore.append(conn, List.of(stored))
                    .chain(appended -> scoring.onNewEvents(conn, appended, now)))
                    .await().atMost(Duration.ofSeconds(15));
            assertEquals(1, result.outbox().size(), "the demo request scored under the tenant's model");
        } finally {
            onePool.closeAndAwait();
        }
    }

    /**
     * The event log keeps envelopes as text and the loader parses them again: every kind of JSON value must come back
     * as exactly the fact live scoring built from the record, or a replay could score differently from live.
     */
    @Test
    void storedEnvelopesLoadAsTheFactsLiveScoringBuiltFromThem() throws Exception {
        String tenant = ScoringFixtures.newTenant();
        String json = "{\"schemaVersion\":1,\"tenant\":\"" + tenant + "\",\"eventId\":\"e-1\",\"leadId\":\"L\","
                + "\"type\":\"profile_updated\",\"occurredAt\":\"2026-11-01T10:00:00.123456Z\",\"properties\":{"
                + "\"url\":\"https://example.com/pricing?q=\\u00e9\\\"x\\\"\",\"small\":7,\"big\":9007199254740993,"
                + "\"ratio\":0.1,\"exp\":1e3,\"yes\":true,\"none\":null,\"tags\":[\"a\",1,[2]],"
                + "\"nested\":{\"k\":{\"deep\":false}},\"url\":\"https://example.com/last-wins\"},"
                + "\"attributes\":{\"jobTitle\":\"VP Sales\",\"companySize\":250,\"country\":null},"
                + "\"future\":{\"ignored\":1}}";
        LeadEvent parsed = mapper.readValue(json, LeadEvent.class);
        io.leadscore.scoring.engine.Fact live = new io.leadscore.scoring.engine.Fact(parsed.eventId(), parsed.type(),
                parsed.occurredAt(), parsed.properties(), parsed.attributes());
        var stored = new io.leadscore.scoring.eventstore.StoredEvent(tenant, "L", parsed.eventId(), parsed.type(),
                parsed.occurredAt(), Instant.now(), json, null, parsed.properties(), parsed.attributes());
        pool.withTransaction(conn -> eventStore.append(conn, List.of(stored))).await().atMost(Duration.ofSeconds(30));

        var loaded = projections.loadFacts(pool, tenant, List.of("L")).await().atMost(Duration.ofSeconds(30));

        assertEquals(List.of(live), loaded.get("L").facts());
        assertEquals(9007199254740993L, loaded.get("L").facts().get(0).properties().get("big"));
        assertTrue(loaded.get("L").facts().get(0).attributes().containsKey("country"),
                "a null attribute is kept: it removes the attribute");
    }

    /** A log changed behind the service's back is reported, never scored as if the broken event were empty. */
    @Test
    void aStoredEventThatIsNotValidJsonFailsTheLoadWithTheReason() {
        String tenant = ScoringFixtures.newTenant();
        pool.preparedQuery("INSERT INTO lead_event (tenant, lead_id, seq, event_id, type, occurred_at, received_at, "
                + "payload) VALUES ($1, 'L', 1, 'e-broken', 'page_view', now(), now(), '{\"properties\": {')")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant)).await().indefinitely();
        Throwable failure = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> projections.loadFacts(pool, tenant, List.of("L")).await().atMost(Duration.ofSeconds(10)));
        while (!(failure instanceof IllegalStateException) && failure.getCause() != null) {
            failure = failure.getCause();
        }
        assertTrue(failure instanceof IllegalStateException, failure.toString());
        assertTrue(failure.getMessage().startsWith("a stored event is not valid JSON: "), failure.getMessage());
    }

    /**
     * The loader that decay checks and rescoring use: it sizes the leads by their stream versions and hands over their
     * whole logs a group at a time, in order (the tests' groups hold 20 events, so 24-event leads come one by one).
     */
    @Test
    void leadsOfUnknownSizeAreLoadedAGroupAtATimeWithTheirWholeLogs() {
        String tenant = ScoringFixtures.newTenant();
        storeHistories(tenant, 3, 24, Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS));
        List<String> asked = List.of("lead-2", "lead-0", "lead-1", "never-seen");

        List<Map<String, Integer>> groups = pool.withTransaction(conn -> projections.inGroups(conn, tenant, asked,
                (group, logs) -> {
                    Map<String, Integer> sizes = new java.util.LinkedHashMap<>();
                    group.forEach(lead -> sizes.put(lead, logs.containsKey(lead) ? logs.get(lead).size() : 0));
                    return io.smallrye.mutiny.Uni.createFrom().item(sizes);
                })).await().atMost(Duration.ofSeconds(30));

        assertEquals(List.of(Map.of("lead-2", 24), Map.of("lead-0", 24), Map.of("lead-1", 24, "never-seen", 0)),
                groups);
    }

    /** {@code perLead} counted pricing views for each of {@code leads} leads, waited for until all are stored. */
    private static void storeHistories(String tenant, int leads, int perLead, Instant t0) {
        ScoringFixtures.publishModel(tenant, "engagement", ScoringFixtures.ENGAGEMENT);
        List<LeadEvent> history = new java.util.ArrayList<>();
        for (int l = 0; l < leads; l++) {
            // Pricing views: three count, the cap leaves out the rest.
            for (int i = 0; i < perLead; i++) {
                history.add(ScoringFixtures.event(tenant, "lead-" + l, "page_view", t0.plusSeconds(3600L * i + l),
                        Map.of("url", "https://example.com/pricing")));
            }
        }
        ScoringFixtures.produce(history.toArray(LeadEvent[]::new));
        await().atMost(Duration.ofSeconds(30)).until(() -> java.util.stream.IntStream.range(0, leads)
                .allMatch(l -> countedOrCapped(explanation(tenant, "lead-" + l, "engagement", "")) == perLead));
    }

    /** Events a rule matched: those that count and those a cap left out. */
    private static int countedOrCapped(JsonPath explanation) {
        return explanation.getList("explanation.contributions").size()
                + explanation.getList("explanation.excluded").size();
    }

    @Test
    void scoresAtAnEarlierInstantOnlyCountEventsOccurredByThen() {
        String tenant = ScoringFixtures.newTenant();
        ScoringFixtures.publishModel(tenant, "engagement", ScoringFixtures.ENGAGEMENT);
        Instant t0 = Instant.parse("2026-11-01T10:00:00Z");
        ScoringFixtures.produce(ScoringFixtures.event(tenant, "L", "demo_request", t0, Map.of()),
                ScoringFixtures.event(tenant, "L", "page_view", t0.plus(Duration.ofDays(1)),
                        Map.of("url", "/careers")));
        await().atMost(Duration.ofSeconds(20)).until(() -> given().auth().oauth2(Tokens.token(tenant, "read"))
                .when().get("/v1/leads/L/scores/engagement/history").then().extract().jsonPath()
                .getList("$").size() >= 1 && scores(tenant, "L", "").getDouble("[0].score") < 40);
        // At t0 only the demo request counts, undecayed.
        assertEquals(40.0, scores(tenant, "L", "?at=2026-11-01T10:00:00Z").getDouble("[0].score"), 1e-9);
        // Before anything happened the score is 0 and the band cold.
        assertEquals("cold", scores(tenant, "L", "?at=2026-10-01T00:00:00Z").getString("[0].band"));
        given().auth().oauth2(Tokens.token(tenant, "read")).when().get("/v1/leads/L/scores?at=yesterday")
                .then().statusCode(400);
        // Decay that far from the events cannot be computed: a precise 400, not a 500.
        for (String path : List.of("/v1/leads/L/scores", "/v1/leads/L/scores/engagement/explanation")) {
            given().auth().oauth2(Tokens.token(tenant, "read")).queryParam("at", "+300000000-01-01T00:00:00Z")
                    .when().get(path).then().statusCode(400).body("errors[0].field", equalTo("at"))
                    .body("errors[0].message", containsString("years 1 to 9999"));
        }
        given().auth().oauth2(Tokens.token(tenant, "read")).when()
                .get("/v1/leads/L/scores?model=engagement&modelVersion=one").then().statusCode(400)
                .body("errors[0].field", equalTo("modelVersion"));
        given().auth().oauth2(Tokens.token(tenant, "read")).when().get("/v1/leads/L/scores/nope/explanation")
                .then().statusCode(404);
        // Another tenant sees nothing of this lead.
        given().auth().oauth2(Tokens.token(ScoringFixtures.newTenant(), "read")).when().get("/v1/leads/L/scores")
                .then().statusCode(404);
    }

    /** Model "fast": one rule, a 10-second half-life, and hot from 30 points, so decay crosses a band within seconds. */
    private static void publishFastDecayModel(String tenant, String event, int points) {
        ScoringFixtures.publishModel(tenant, "fast", """
                {"name": "Fast decay", "halfLife": "PT10S",
                 "bands": [{"name": "cold", "from": null}, {"name": "hot", "from": 30}],
                 "rules": [{"id": "%s", "event": "%s", "points": %d}]}
                """.formatted(event, event, points));
    }

    @Test
    void decayAcrossABandBoundaryPublishesAChangeWithoutAnyNewEvent() {
        String tenant = ScoringFixtures.newTenant();
        publishFastDecayModel(tenant, "demo_request", 40);
        try (var consumer = ScoringFixtures.scoreChangesConsumer()) {
            ScoringFixtures.produce(ScoringFixtures.event(tenant, "D", "demo_request", Instant.now(), Map.of()));
            ScoringFixtures.changesUntil(consumer, tenant, seen -> seen.stream().anyMatch(c -> "hot".equals(c.band())));
            // 40 → 30 takes log2(4/3) × 10 s ≈ 4.2 s. The check runs after every poll of score-changes until the
            // crossing is published; the service's own scheduled check (every 5 s) may claim it first, which is as
            // good (waiting for this call to claim it failed whenever the scheduler got there first).
            List<ScoreChanged> changes = ScoringFixtures.changesUntil(consumer, tenant, seen -> {
                decay.runDue(Instant.now()).await().indefinitely();
                return seen.stream().anyMatch(c -> "cold".equals(c.band()));
            });
            ScoreChanged decayed = changes.get(changes.size() - 1);
            assertEquals(ScoreChanged.Cause.DECAY, decayed.cause().type());
            assertEquals("hot", decayed.previousBand());
            assertTrue(decayed.score() < 30, "crossed below the boundary: " + decayed.score());
            assertNull(decayed.sourceReceivedAt());
        }
    }

    /**
     * Decay checks load the due leads a group at a time too: three 24-event leads (one group each) must all be
     * published as decayed below the boundary, each on its whole log (equal to the explanation). One check, at an
     * instant when all three are due but long before the service's own scheduled checks would find them due, must
     * handle all three: rows a check skipped would stay due and a later check would claim them, hiding the fault.
     */
    @Test
    void decayChecksSpanningSeveralLoadGroupsScoreEachLeadOnItsWholeLog() throws Exception {
        String tenant = ScoringFixtures.newTenant();
        publishFastDecayModel(tenant, "page_view", 2);
        int leads = 3;
        try (var consumer = ScoringFixtures.scoreChangesConsumer()) {
            List<LeadEvent> views = new java.util.ArrayList<>();
            Instant now = Instant.now();
            for (int l = 0; l < leads; l++) {
                for (int i = 0; i < 24; i++) {
                    views.add(ScoringFixtures.event(tenant, "lead-" + l, "page_view", now, Map.of()));
                }
            }
            ScoringFixtures.produce(views.toArray(LeadEvent[]::new));
            // 48 points each: hot until about 6.8 s later (48 → 30 at a 10 s half-life).
            // Each batch appends and scores in one transaction: a stream at 24 events is a lead scored on all 24.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (pool.preparedQuery("SELECT count(*) FROM lead_stream WHERE tenant = $1 AND version = 24")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant)).await().indefinitely().iterator().next()
                    .getLong(0) < leads) {
                assertTrue(System.nanoTime() < deadline, "the page views were not all scored within 30 s");
                Thread.sleep(50);
            }
            Instant later = now.plusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
            decay.runDue(later).await().atMost(Duration.ofSeconds(30));
            long cold = pool.preparedQuery("SELECT count(*) FROM lead_score WHERE tenant = $1 AND model_id = 'fast' "
                    + "AND band = 'cold' AND computed_at = $2").execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant,
                            later.atOffset(java.time.ZoneOffset.UTC)))
                    .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
            assertEquals(leads, cold, "one check handled every due lead, not only its first load group");
            List<ScoreChanged> changes = ScoringFixtures.changesUntil(consumer, tenant, seen -> seen.stream()
                    .filter(c -> ScoreChanged.Cause.DECAY.equals(c.cause().type())).count() >= leads);
            List<ScoreChanged> decayed = changes.stream()
                    .filter(c -> ScoreChanged.Cause.DECAY.equals(c.cause().type())).toList();
            assertEquals(java.util.Set.of("lead-0", "lead-1", "lead-2"),
                    decayed.stream().map(ScoreChanged::leadId).collect(java.util.stream.Collectors.toSet()));
            for (ScoreChanged change : decayed) {
                assertEquals("cold", change.band(), change.leadId());
                JsonPath ex = explanation(tenant, change.leadId(), "fast", "?at=" + change.computedAt());
                assertEquals(24, ex.getList("explanation.contributions").size(), change.leadId());
                assertEquals(ex.getDouble("explanation.score"), change.score(), 1e-9, change.leadId());
            }
        }
    }

    @Test
    void aDueRowOfAModelThatIsNoLongerActiveStopsBeingDue() throws Exception {
        String tenant = ScoringFixtures.newTenant();
        try (var c = io.leadscore.testing.PostgresServer.get().connect(io.leadscore.scoring.ScoringTestInfra.DATABASE);
                var insert = c.prepareStatement("INSERT INTO lead_score (tenant, model_id, lead_id, model_version, "
                        + "score, band, computed_at, next_change_at) VALUES (?, 'retired', 'lead-1', 1, 10, 'warm', "
                        + "now() - interval '1 day', now() - interval '1 hour')")) {
            insert.setString(1, tenant);
            insert.executeUpdate();
            decay.runDue(Instant.now()).await().indefinitely();
            try (var read = c.prepareStatement("SELECT next_change_at, score FROM lead_score WHERE tenant = ?")) {
                read.setString(1, tenant);
                try (var rs = read.executeQuery()) {
                    assertTrue(rs.next());
                    assertNull(rs.getObject(1), "no longer due");
                    assertEquals(10.0, rs.getDouble(2), "the row itself is left as it was");
                }
            }
        }
    }

    @Test
    void leaderboardRanksSegmentsAndPaginatesFromTheProjection() {
        String tenant = ScoringFixtures.newTenant();
        ScoringFixtures.publishModel(tenant, "engagement", ScoringFixtures.ENGAGEMENT);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            LeadEvent[] events = new LeadEvent[i + 1];
            for (int j = 0; j <= i; j++) {
                events[j] = ScoringFixtures.event(tenant, "lead-" + i, "demo_request", now.minusSeconds(j), Map.of());
            }
            ScoringFixtures.produce(events);
        }
        String reader = Tokens.token(tenant, "read");
        await().atMost(Duration.ofSeconds(20)).until(() -> given().auth().oauth2(reader)
                .when().get("/v1/leads?model=engagement&limit=10").then().extract().jsonPath()
                .getList("leads").size() == 5);
        JsonPath first = given().auth().oauth2(reader).when().get("/v1/leads?model=engagement&limit=2")
                .then().statusCode(200).body("leads", hasSize(2)).extract().jsonPath();
        assertEquals(List.of("lead-2", "lead-3"), first.getList("leads.leadId").subList(0, 2).stream()
                .sorted().toList(), "the three leads at the 100 cap tie; lead ids break the tie");
        String cursor = first.getString("nextCursor");
        JsonPath second = given().auth().oauth2(reader).when()
                .get("/v1/leads?model=engagement&limit=10&cursor=" + cursor).then().statusCode(200).extract()
                .jsonPath();
        assertEquals(3, second.getList("leads").size());
        assertNull(second.getString("nextCursor"));
        // lead-0 has one demo request (40, warm); the others have two or more (hot).
        given().auth().oauth2(reader).when().get("/v1/leads?model=engagement&band=warm").then().statusCode(200)
                .body("leads.leadId", equalTo(List.of("lead-0")));
        given().auth().oauth2(reader).when().get("/v1/leads?model=engagement&band=hot").then().statusCode(200)
                .body("leads", hasSize(4));
        given().auth().oauth2(reader).when().get("/v1/leads?model=engagement&minScore=79").then().statusCode(200)
                .body("leads", hasSize(4));
        given().auth().oauth2(reader).when().get("/v1/leads?model=engagement&sort=score&limit=1").then()
                .statusCode(200).body("leads[0].leadId", equalTo("lead-0"));
        given().auth().oauth2(reader).when().get("/v1/leads").then().statusCode(400);
        given().auth().oauth2(reader).when().get("/v1/leads?model=engagement&limit=0").then().statusCode(400);
        given().auth().oauth2(reader).when().get("/v1/leads?model=engagement&limit=many").then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
        given().auth().oauth2(reader).when().get("/v1/leads?model=engagement&minScore=high").then().statusCode(400)
                .body("errors[0].field", equalTo("minScore"));
        given().auth().oauth2(reader).when().get("/v1/leads?model=engagement&cursor=%%%").then().statusCode(400);
        given().auth().oauth2(Tokens.token(ScoringFixtures.newTenant(), "read")).when()
                .get("/v1/leads?model=engagement").then().statusCode(200).body("leads", hasSize(0));
    }

    @Test
    void publishingANewModelVersionRescoresAndPublishesOnlyBandChanges() {
        String tenant = ScoringFixtures.newTenant();
        ScoringFixtures.publishModel(tenant, "engagement", ScoringFixtures.ENGAGEMENT);
        Instant now = Instant.now();
        try (var consumer = ScoringFixtures.scoreChangesConsumer()) {
            ScoringFixtures.produce(ScoringFixtures.event(tenant, "A", "demo_request", now, Map.of()),
                    ScoringFixtures.event(tenant, "B", "email_open", now, Map.of()));
            ScoringFixtures.changesUntil(consumer, tenant, seen -> seen.size() >= 2);
            // Version 2 makes a demo request worth 60: A goes warm → hot; B stays cold (no message for B).
            ScoringFixtures.publishModel(tenant, "engagement", ScoringFixtures.ENGAGEMENT
                    .replace("\"points\": 40", "\"points\": 60"));
            List<ScoreChanged> changes = ScoringFixtures.changesUntil(consumer, tenant,
                    seen -> seen.stream().anyMatch(c -> ScoreChanged.Cause.MODEL_VERSION.equals(c.cause().type())));
            ScoreChanged rescored = changes.stream()
                    .filter(c -> ScoreChanged.Cause.MODEL_VERSION.equals(c.cause().type())).findFirst().orElseThrow();
            assertEquals("A", rescored.leadId());
            assertEquals(2, rescored.modelVersion());
            assertEquals("warm", rescored.previousBand());
            assertEquals("hot", rescored.band());
        }
        assertEquals(2, scores(tenant, "A", "").getInt("[0].modelVersion"));
        assertEquals(40.0, scores(tenant, "A", "?model=engagement&modelVersion=1").getDouble("[0].score"), 1e-3);
    }

    /**
     * Rescoring loads leads a group at a time (the tests' groups hold 20 events): with three 24-event leads each is a
     * group of its own, and every one of them must be rescored on its whole log and published, not only the first.
     */
    @Test
    void aNewModelVersionRescoresLeadsAcrossSeveralLoadGroups() {
        String tenant = ScoringFixtures.newTenant();
        int leads = 3;
        storeHistories(tenant, leads, 24, Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS));
        try (var consumer = ScoringFixtures.scoreChangesConsumer()) {
            // Three counted pricing views are worth 45 (warm) under version 1 and 75 (hot) under version 2.
            ScoringFixtures.publishModel(tenant, "engagement", ScoringFixtures.ENGAGEMENT
                    .replace("\"points\": 15, \"maxTimes\"", "\"points\": 25, \"maxTimes\""));
            List<ScoreChanged> rescored = ScoringFixtures.changesUntil(consumer, tenant, seen -> seen.stream()
                    .filter(c -> ScoreChanged.Cause.MODEL_VERSION.equals(c.cause().type())).count() >= leads)
                    .stream().filter(c -> ScoreChanged.Cause.MODEL_VERSION.equals(c.cause().type())).toList();
            assertEquals(java.util.Set.of("lead-0", "lead-1", "lead-2"),
                    rescored.stream().map(ScoreChanged::leadId).collect(java.util.stream.Collectors.toSet()));
            for (ScoreChanged change : rescored) {
                assertEquals("warm", change.previousBand(), change.leadId());
                assertEquals("hot", change.band(), change.leadId());
            }
        }
        for (int l = 0; l < leads; l++) {
            var row = pool.preparedQuery("SELECT model_version, score, computed_at FROM lead_score WHERE tenant = $1 "
                    + "AND model_id = 'engagement' AND lead_id = $2")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant, "lead-" + l))
                    .await().atMost(Duration.ofSeconds(10)).iterator().next();
            assertEquals(2, row.getInteger("model_version"), "lead-" + l);
            JsonPath ex = explanation(tenant, "lead-" + l, "engagement",
                    "?at=" + row.getOffsetDateTime("computed_at").toInstant());
            assertEquals(24, countedOrCapped(ex), "lead-" + l + " was rescored on its whole log");
            assertEquals(ex.getDouble("explanation.score"), row.getDouble("score"), 1e-9, "lead-" + l);
        }
    }
}
