package io.leadscore.scoring.eventstore;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.contracts.LeadEvent;
import io.leadscore.contracts.MessageHeaders;
import io.leadscore.contracts.Topics;
import io.leadscore.scoring.ScoringTestInfra;
import io.leadscore.testing.KafkaBroker;
import io.leadscore.testing.PostgresServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Proves the harness end to end: a record produced over the real broker is consumed by the service and lands in the
 * real database, exactly once even when produced twice; an unparseable record is dead-lettered and does not block.
 */
@QuarkusTest
@WithTestResource(ScoringTestInfra.class)
class EventStoreSmokeTest {

    @Test
    void producedEventLandsInTheEventStoreOnceEvenWhenRedelivered() throws Exception {
        String leadId = "lead-" + UUID.randomUUID();
        var event = new LeadEvent(1, "acme", "evt-" + UUID.randomUUID(), leadId, "page_view",
                Instant.parse("2026-11-01T10:00:00Z"), Instant.parse("2026-11-01T10:00:01Z"),
                Map.of("url", "https://example.com/pricing"), null);
        String json = ContractsJson.mapper().writeValueAsString(event);

        try (var producer = KafkaBroker.producer()) {
            producer.send(new ProducerRecord<>(Topics.LEAD_EVENTS, event.key(), json)).get();
            producer.send(new ProducerRecord<>(Topics.LEAD_EVENTS, event.key(), json)).get();
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> countEvents(leadId) == 1);
        // A second poll round could only add the duplicate; give it time to prove it does not.
        Thread.sleep(500);
        assertEquals(1, countEvents(leadId));
    }

    @Test
    void unparseableRecordIsDeadLetteredWithTheReasonAndLaterEventsStillLand() throws Exception {
        String leadId = "lead-" + UUID.randomUUID();
        var good = new LeadEvent(1, "acme", "evt-" + UUID.randomUUID(), leadId, "email_open",
                Instant.parse("2026-11-01T10:00:00Z"), null, Map.of(), null);
        try (var producer = KafkaBroker.producer()) {
            producer.send(new ProducerRecord<>(Topics.LEAD_EVENTS, "acme/" + leadId, "{not json")).get();
            producer.send(new ProducerRecord<>(Topics.LEAD_EVENTS, good.key(),
                    ContractsJson.mapper().writeValueAsString(good))).get();
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> countEvents(leadId) == 1);
        try (var consumer = KafkaBroker.consumer(Topics.LEAD_EVENTS_DLQ)) {
            ConsumerRecord<String, String> dead = await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (("acme/" + leadId).equals(r.key())) {
                        return r;
                    }
                }
                return null;
            }, r -> r != null);
            assertEquals("{not json", dead.value());
            String reason = new String(dead.headers().lastHeader(MessageHeaders.DEAD_LETTER_REASON).value());
            assertTrue(!reason.isBlank(), "the reason is recorded");
        }
    }

    @Test
    void anEventPostgreSqlCannotStoreIsDeadLetteredInsteadOfBlockingItsPartition() throws Exception {
        String leadId = "lead-" + UUID.randomUUID();
        var nul = new LeadEvent(1, "acme", "evt-" + UUID.randomUUID(), leadId, "page_view",
                Instant.parse("2026-11-01T10:00:00Z"), null, Map.of("url", "a\u0000b"), null);
        var good = new LeadEvent(1, "acme", "evt-" + UUID.randomUUID(), leadId, "email_open",
                Instant.parse("2026-11-01T10:00:01Z"), null, Map.of(), null);
        try (var producer = KafkaBroker.producer()) {
            producer.send(new ProducerRecord<>(Topics.LEAD_EVENTS, nul.key(), ContractsJson.mapper().writeValueAsString(nul)))
                    .get();
            producer.send(new ProducerRecord<>(Topics.LEAD_EVENTS, good.key(),
                    ContractsJson.mapper().writeValueAsString(good))).get();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> countEvents(leadId) == 1);
        try (var consumer = KafkaBroker.consumer(Topics.LEAD_EVENTS_DLQ)) {
            ConsumerRecord<String, String> dead = await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (nul.key().equals(r.key())) {
                        return r;
                    }
                }
                return null;
            }, r -> r != null);
            String reason = new String(dead.headers().lastHeader(MessageHeaders.DEAD_LETTER_REASON).value());
            assertTrue(reason.contains("NUL"), reason);
        }
    }

    private static int countEvents(String leadId) throws Exception {
        try (Connection c = PostgresServer.get().connect(ScoringTestInfra.DATABASE);
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM lead_event WHERE lead_id = ?")) {
            ps.setString(1, leadId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
