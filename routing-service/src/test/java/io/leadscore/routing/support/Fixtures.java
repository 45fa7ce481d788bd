package io.leadscore.routing.support;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.contracts.MessageHeaders;
import io.leadscore.contracts.ScoreChanged;
import io.leadscore.contracts.Topics;
import io.leadscore.testing.KafkaBroker;
import io.leadscore.testing.Tokens;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Test data: unique tenants, score changes on the real broker, authenticated requests. */
public final class Fixtures {

    private static KafkaProducer<String, String> producer;
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** computedAt values for score changes: strictly increasing, microsecond precision. */
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private Fixtures() {
    }

    public static String tenant(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static String lead() {
        return "lead-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A fresh, later computedAt. */
    public static Instant tick() {
        return EPOCH.plusMillis(SEQUENCE.incrementAndGet());
    }

    public static String traceparent() {
        String trace = UUID.randomUUID().toString().replace("-", "");
        return "00-" + trace + "-" + trace.substring(0, 16) + "-01";
    }

    public static ScoreChanged score(String tenant, String leadId, String model, double score, String band,
            Instant computedAt, Map<String, Object> attributes) {
        return new ScoreChanged(ScoreChanged.CURRENT_SCHEMA_VERSION, tenant, leadId, model, 1, null, score, null, band,
                ScoreChanged.Cause.event("e-" + UUID.randomUUID()), computedAt,
                List.of(new ScoreChanged.RuleContribution("r", 1, score)), attributes, computedAt);
    }

    public static void send(ScoreChanged change, String traceparent) {
        try {
            sendRaw(change.key(), ContractsJson.mapper().writeValueAsString(change), traceparent);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static void send(ScoreChanged change) {
        send(change, traceparent());
    }

    public static synchronized void sendRaw(String key, String value, String traceparent) {
        if (producer == null) {
            producer = KafkaBroker.producer();
        }
        var record = new ProducerRecord<>(Topics.SCORE_CHANGES, key, value);
        if (traceparent != null) {
            record.headers().add(MessageHeaders.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
        }
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static RequestSpecification as(String tenant, String... roles) {
        return given().auth().oauth2(Tokens.token(tenant, roles)).contentType(ContentType.JSON);
    }

    public static RequestSpecification admin(String tenant) {
        return as(tenant, "admin");
    }

    public static RequestSpecification reader(String tenant) {
        return as(tenant, "read");
    }

    /**
     * Asserts that the tenant's open-lead counts ({@code rep_open_leads}, kept by every write of a lead) equal what its
     * leads say.
     */
    public static void assertOpenLeadCountsMatchLeads(io.vertx.mutiny.pgclient.PgPool pool, String tenant) {
        List<String> wrong = new java.util.ArrayList<>();
        pool.preparedQuery("WITH truth AS (SELECT owner_rep_id AS rep_id, count(*)::int AS n FROM lead_stage "
                + "WHERE tenant = $1 AND stage IN ('mql', 'sql', 'accepted') AND owner_rep_id IS NOT NULL "
                + "GROUP BY owner_rep_id), counted AS (SELECT rep_id, open_leads FROM rep_open_leads WHERE tenant = $1) "
                + "SELECT coalesce(truth.rep_id, counted.rep_id) AS rep, coalesce(truth.n, 0) AS n, "
                + "coalesce(counted.open_leads, 0) AS c FROM truth FULL JOIN counted ON counted.rep_id = truth.rep_id "
                + "WHERE coalesce(truth.n, 0) <> coalesce(counted.open_leads, 0)")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant)).await().indefinitely()
                .forEach(r -> wrong.add(r.getString("rep") + ": leads say " + r.getInteger("n") + ", count says "
                        + r.getInteger("c")));
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), wrong, "open-lead counts of tenant " + tenant);
    }

    /** Team "s", the tenant's default, with rep "r1" (capacity 5): every qualifying lead gets r1 as its owner. */
    public static void defaultTeamWithRepR1(String tenant) {
        admin(tenant).body("{\"name\": \"S\", \"default\": true}").put("/v1/teams/s").then().statusCode(201);
        admin(tenant).body("{\"name\": \"R\", \"team\": \"s\", \"capacity\": 5}").put("/v1/reps/r1").then()
                .statusCode(201);
    }
}
