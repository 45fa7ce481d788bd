package io.leadscore.scoring;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.contracts.LeadEvent;
import io.leadscore.contracts.ScoreChanged;
import io.leadscore.contracts.Topics;
import io.leadscore.testing.KafkaBroker;
import io.leadscore.testing.Tokens;
import io.restassured.http.ContentType;

/** Shared test data: the seed engagement model, events produced as ingest would, and reading score-changes. */
public final class ScoringFixtures {

    public static final String ENGAGEMENT = """
            {"name": "Engagement", "halfLife": "P30D", "floor": 0, "cap": 100,
             "bands": [{"name": "cold", "from": null}, {"name": "warm", "from": 21}, {"name": "hot", "from": 50}],
             "rules": [
               {"id": "pricing-page", "event": "page_view",
                "where": [{"property": "url", "op": "contains", "value": "/pricing"}],
                "points": 15, "maxTimes": 3, "per": "P7D"},
               {"id": "demo", "event": "demo_request", "points": 40},
               {"id": "careers", "event": "page_view",
                "where": [{"property": "url", "op": "contains", "value": "/careers"}], "points": -10},
               {"id": "senior-title", "attribute": "jobTitle", "op": "matches", "value": "\\\\b(vp|director|head|chief)\\\\b",
                "points": 20},
               {"id": "mid-market", "attribute": "companySize", "op": "gte", "value": 200, "points": 15}]}
            """;

    private ScoringFixtures() {
    }

    public static String newTenant() {
        return "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static void publishModel(String tenant, String modelId, String json) {
        given().auth().oauth2(Tokens.token(tenant, "admin")).contentType(ContentType.JSON).body(json)
                .when().put("/v1/models/" + modelId).then().statusCode(201);
    }

    public static LeadEvent event(String tenant, String leadId, String type, Instant occurredAt,
            Map<String, Object> properties) {
        return new LeadEvent(1, tenant, "e-" + UUID.randomUUID(), leadId, type, occurredAt, occurredAt, properties, null);
    }

    public static LeadEvent profile(String tenant, String leadId, Instant occurredAt, Map<String, Object> attributes) {
        return new LeadEvent(1, tenant, "p-" + UUID.randomUUID(), leadId, LeadEvent.PROFILE_UPDATED, occurredAt,
                occurredAt, Map.of(), attributes);
    }

    public static void produce(LeadEvent... events) {
        try (var producer = KafkaBroker.producer()) {
            for (LeadEvent e : events) {
                producer.send(new ProducerRecord<>(Topics.LEAD_EVENTS, e.key(),
                        ContractsJson.mapper().writeValueAsString(e))).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads score-changes for this tenant until {@code done} holds for what was read, or fails after 20 s. */
    public static List<ScoreChanged> changesUntil(KafkaConsumer<String, String> consumer, String tenant,
            Predicate<List<ScoreChanged>> done) {
        List<ScoreChanged> seen = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.key().startsWith(tenant + "/")) {
                    try {
                        seen.add(ContractsJson.mapper().readValue(r.value(), ScoreChanged.class));
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }
            }
            if (done.test(seen)) {
                return seen;
            }
        }
        throw new AssertionError("score-changes did not arrive as expected within 20 s; saw " + seen);
    }

    public static KafkaConsumer<String, String> scoreChangesConsumer() {
        return KafkaBroker.consumer(Topics.SCORE_CHANGES);
    }
}
