package io.leadscore.notification;

import static io.restassured.RestAssured.given;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.contracts.LeadEscalated;
import io.leadscore.contracts.LeadStageChanged;
import io.leadscore.contracts.MessageKeys;
import io.leadscore.contracts.ScoreChanged;
import io.leadscore.testing.KafkaBroker;
import io.leadscore.testing.Tokens;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** Routing messages as routing publishes them, contacts, and reading the delivery log. */
public final class NotificationFixtures {

    private NotificationFixtures() {
    }

    public static String newTenant() {
        return "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static String admin(String tenant) {
        return Tokens.token(tenant, "admin");
    }

    public static JsonPath putContact(String tenant, String repId, String json) {
        return given().auth().oauth2(admin(tenant)).contentType(ContentType.JSON).body(json)
                .when().put("/v1/reps/" + repId + "/contact").then().statusCode(200).extract().jsonPath();
    }

    public static LeadStageChanged stageChanged(String tenant, String leadId, String transitionId, String from,
            String to, String ruleId, String owner, boolean alert) {
        return stageChanged(tenant, leadId, transitionId, from, to, ruleId, owner, alert,
                Map.<String, Object>of("firstName", "Ana", "lastName", "Silva", "jobTitle", "VP Marketing", "company",
                        "Acme"));
    }

    /** As above, with the lead's own attributes. */
    public static LeadStageChanged stageChanged(String tenant, String leadId, String transitionId, String from,
            String to, String ruleId, String owner, boolean alert, Map<String, Object> attributes) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new LeadStageChanged(LeadStageChanged.CURRENT_SCHEMA_VERSION, tenant, leadId, transitionId, from, to,
                ruleId, 1, List.of(new LeadStageChanged.ModelScore("engagement", 1, 87, "hot", List.of(
                        new ScoreChanged.RuleContribution("pricing-page", 3, 44.71, "Viewed pricing"),
                        new ScoreChanged.RuleContribution("demo", 1, 40, "Requested a demo"),
                        new ScoreChanged.RuleContribution("careers", 1, -10, "Visited careers"))),
                        new LeadStageChanged.ModelScore("fit", 2, 55.5, "warm")),
                owner, "team-a", "score crossed the " + to + " threshold", now.plusSeconds(3600), alert, now,
                attributes, now.minusMillis(20));
    }

    public static LeadEscalated escalated(String tenant, String leadId, String escalationId, String manager) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new LeadEscalated(LeadEscalated.CURRENT_SCHEMA_VERSION, tenant, leadId, escalationId, "sql", "rep-slow",
                "team-a", manager, "rep-next", now.minusSeconds(1), now);
    }

    public static void produce(String topic, Object message) {
        try {
            produceRaw(topic, key(message), ContractsJson.mapper().writeValueAsString(message));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends the messages back to back from one producer (a burst, as routing commits them), then flushes. */
    public static void produceAll(String topic, java.util.List<?> messages) {
        try (var producer = KafkaBroker.producer()) {
            for (Object message : messages) {
                producer.send(new ProducerRecord<>(topic, key(message),
                        ContractsJson.mapper().writeValueAsString(message)));
            }
            producer.flush();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String key(Object message) {
        if (message instanceof LeadStageChanged m) {
            return MessageKeys.leadKey(m.tenant(), m.leadId());
        }
        LeadEscalated m = (LeadEscalated) message;
        return MessageKeys.leadKey(m.tenant(), m.leadId());
    }

    public static void produceRaw(String topic, String key, String value) {
        try (var producer = KafkaBroker.producer()) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonPath deliveries(String tenant, String query) {
        return given().auth().oauth2(Tokens.token(tenant, "read")).when().get("/v1/notifications" + query)
                .then().statusCode(200).extract().jsonPath();
    }

    /** The deliveries of one lead, oldest first. */
    public static List<Map<String, Object>> deliveriesOf(String tenant, String leadId) {
        List<Map<String, Object>> list = new java.util.ArrayList<>(
                deliveries(tenant, "?leadId=" + leadId).getList("deliveries"));
        java.util.Collections.reverse(list);
        return list;
    }
}
