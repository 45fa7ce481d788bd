package io.leadscore.scoring.rebuild;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.leadscore.contracts.LeadEvent;
import io.leadscore.scoring.ScoringFixtures;
import io.leadscore.scoring.ScoringTestInfra;
import io.leadscore.testing.PostgresServer;
import io.leadscore.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.JsonConfig;
import io.restassured.path.json.config.JsonPathConfig;

/**
 * Through the whole service: the same random events delivered in two different arrival orders give identical scores;
 * a rebuilt projection equals the explanation of every lead at the rebuild instant; duplicates never count twice.
 */
@QuarkusTest
@WithTestResource(ScoringTestInfra.class)
class RebuildAndReplayTest {

    static final String[] TYPES = {"page_view", "demo_request", "email_open", "webinar"};
    static final String[] URLS = {"/pricing", "/careers", "/", "/blog"};

    @BeforeAll
    static void exactNumbers() {
        RestAssured.config = RestAssured.config().jsonConfig(
                JsonConfig.jsonConfig().numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE));
    }

    @Test
    void arrivalOrderDuplicatesAndRebuildNeverChangeAScore() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String a = ScoringFixtures.newTenant();
        String b = ScoringFixtures.newTenant();
        ScoringFixtures.publishModel(a, "engagement", ScoringFixtures.ENGAGEMENT);
        ScoringFixtures.publishModel(b, "engagement", ScoringFixtures.ENGAGEMENT);

        Instant base = Instant.now().minus(Duration.ofDays(20)).truncatedTo(ChronoUnit.SECONDS);
        List<LeadEvent> events = new ArrayList<>();
        int leads = 12;
        for (int i = 0; i < 150; i++) {
            String lead = "lead-" + random.nextInt(leads);
            Instant at = base.plus(Duration.ofMinutes(random.nextInt(20 * 24 * 60)));
            if (random.nextInt(10) == 0) {
                events.add(ScoringFixtures.profile(a, lead, at, Map.of("jobTitle",
                        random.nextBoolean() ? "VP Sales" : "Engineer", "companySize", random.nextInt(500))));
            } else {
                events.add(ScoringFixtures.event(a, lead, TYPES[random.nextInt(TYPES.length)], at,
                        Map.of("url", "https://example.com" + URLS[random.nextInt(URLS.length)])));
            }
        }
        List<LeadEvent> forB = new ArrayList<>();
        for (LeadEvent e : events) {
            forB.add(new LeadEvent(1, b, e.eventId(), e.leadId(), e.type(), e.occurredAt(), e.receivedAt(),
                    e.properties(), e.attributes()));
        }
        Collections.shuffle(forB, random);
        List<LeadEvent> duplicates = new ArrayList<>(forB.subList(0, 30));
        ScoringFixtures.produce(events.toArray(LeadEvent[]::new));
        ScoringFixtures.produce(forB.toArray(LeadEvent[]::new));
        ScoringFixtures.produce(duplicates.toArray(LeadEvent[]::new));

        await().atMost(Duration.ofSeconds(30)).until(() -> storedEvents(a) == events.size()
                && storedEvents(b) == events.size());
        Instant t = Instant.now();
        for (int i = 0; i < leads; i++) {
            double scoreA = score(a, "lead-" + i, t);
            double scoreB = score(b, "lead-" + i, t);
            assertEquals(scoreA, scoreB, 0.0, "seed " + seed + ": lead-" + i + " differs by arrival order");
        }

        // Live scoring loaded these histories a few leads at a time (the tests' load groups hold 20 events): every
        // live row still equals the lead's explanation at the instant the row was computed.
        for (String tenant : List.of(a, b)) {
            for (var entry : projection(tenant).entrySet()) {
                Instant computedAt = Instant.ofEpochMilli((long) entry.getValue()[1]);
                assertEquals(score(tenant, entry.getKey(), computedAt), entry.getValue()[0], 0.0,
                        "seed " + seed + ": live " + entry.getKey() + " differs from its explanation");
            }
        }

        String admin = Tokens.token(a, "admin");
        String id = given().auth().oauth2(admin).when().post("/v1/admin/projections/rebuild").then().statusCode(202)
                .body("status", equalTo("running")).extract().path("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> "completed".equals(given().auth().oauth2(admin)
                .when().get("/v1/admin/projections/rebuild/" + id).then().statusCode(200).extract().path("status")));
        given().auth().oauth2(admin).when().get("/v1/admin/projections/rebuild/" + id).then()
                .body("eventsDone", equalTo(events.size())).body("eventsTotal", equalTo(events.size()))
                .body("leadsDone", equalTo(leads));
        given().auth().oauth2(Tokens.token(b, "admin")).when().get("/v1/admin/projections/rebuild/" + id).then()
                .statusCode(404);

        Map<String, double[]> rebuilt = projection(a);
        assertEquals(leads, rebuilt.size(), "seed " + seed);
        for (var entry : rebuilt.entrySet()) {
            Instant computedAt = Instant.ofEpochMilli((long) entry.getValue()[1]);
            assertEquals(score(a, entry.getKey(), computedAt), entry.getValue()[0], 0.0,
                    "seed " + seed + ": rebuilt " + entry.getKey() + " differs from its explanation");
        }
    }

    static double score(String tenant, String lead, Instant at) {
        return given().auth().oauth2(Tokens.token(tenant, "read")).when()
                .get("/v1/leads/" + lead + "/scores/engagement/explanation?at=" + at).then().statusCode(200)
                .extract().jsonPath().getDouble("explanation.score");
    }

    static int storedEvents(String tenant) throws Exception {
        try (Connection c = PostgresServer.get().connect(ScoringTestInfra.DATABASE);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM lead_event WHERE tenant = '" + tenant + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static Map<String, double[]> projection(String tenant) throws Exception {
        Map<String, double[]> rows = new HashMap<>();
        try (Connection c = PostgresServer.get().connect(ScoringTestInfra.DATABASE);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT lead_id, score, computed_at FROM lead_score WHERE tenant = '"
                        + tenant + "'")) {
            while (rs.next()) {
                rows.put(rs.getString(1), new double[]{rs.getDouble(2),
                        rs.getTimestamp(3).toInstant().toEpochMilli()});
            }
        }
        return rows;
    }
}
