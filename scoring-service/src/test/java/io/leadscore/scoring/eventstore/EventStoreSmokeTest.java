package io.leadscore.scoring.eventstore;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

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
        }
        produce(good);

        await().atMost(Duration.ofSeconds(20)).until(() -> countEvents(leadId) == 1);
        ConsumerRecord<String, String> dead = deadLetter("acme/" + leadId);
        assertEquals("{not json", dead.value());
        assertTrue(!reason(dead).isBlank(), "the reason is recorded");
    }

    @Test
    void anEventPostgreSqlCannotStoreIsDeadLetteredInsteadOfBlockingItsPartition() throws Exception {
        String leadId = "lead-" + UUID.randomUUID();
        var nul = new LeadEvent(1, "acme", "evt-" + UUID.randomUUID(), leadId, "page_view",
                Instant.parse("2026-11-01T10:00:00Z"), null, Map.of("url", "a\u0000b"), null);
        var good = new LeadEvent(1, "acme", "evt-" + UUID.randomUUID(), leadId, "email_open",
                Instant.parse("2026-11-01T10:00:01Z"), null, Map.of(), null);
        produce(nul, good);
        await().atMost(Duration.ofSeconds(20)).until(() -> countEvents(leadId) == 1);
        String reason = reason(deadLetter(nul.key()));
        assertTrue(reason.contains("NUL"), reason);
    }

    @Inject
    LeadEventsConsumer consumer;

    /**
     * PostgreSQL keeps microseconds, and replay reads the stored instant back: live scoring must see the same instant,
     * or two events within one microsecond are folded in one order live and in the other replayed.
     */
    @Test
    void occurredAtIsKeptToTheMicrosecondAsStoredAndOutOfRangeInstantsAreRefused() throws Exception {
        var precise = new LeadEvent(1, "acme", "evt-1", "lead-1", "page_view",
                Instant.parse("2026-11-01T10:00:00.123456789Z"), Instant.parse("2026-11-01T10:00:01.000000999Z"),
                Map.of(), null);
        StoredEvent stored = consumer.parse(ContractsJson.mapper().writeValueAsString(precise), null);
        assertEquals(Instant.parse("2026-11-01T10:00:00.123456Z"), stored.occurredAt());
        assertEquals(Instant.parse("2026-11-01T10:00:01Z"), stored.receivedAt());

        var ancient = new LeadEvent(1, "acme", "evt-2", "lead-1", "page_view", Instant.parse("-5000-01-01T00:00:00Z"),
                null, Map.of(), null);
        var refused = assertThrows(LeadEventsConsumer.InvalidLeadEventException.class,
                () -> consumer.parse(ContractsJson.mapper().writeValueAsString(ancient), null));
        assertTrue(refused.getMessage().contains("outside the years 1 to 9999"), refused.getMessage());
    }

    /** PostgreSQL cannot store an instant 5,000 years BC: such an event must not stop its partition. */
    @Test
    void anEventAtAnInstantPostgreSqlCannotStoreIsDeadLetteredAndLaterEventsStillLand() throws Exception {
        String leadId = "lead-" + UUID.randomUUID();
        var ancient = new LeadEvent(1, "acme", "evt-" + UUID.randomUUID(), leadId, "page_view",
                Instant.parse("-5000-01-01T00:00:00Z"), null, Map.of(), null);
        var good = new LeadEvent(1, "acme", "evt-" + UUID.randomUUID(), leadId, "email_open",
                Instant.parse("2026-11-01T10:00:01Z"), null, Map.of(), null);
        produce(ancient, good);
        await().atMost(Duration.ofSeconds(20)).until(() -> countEvents(leadId) == 1);
        assertTrue(reason(deadLetter(ancient.key())).contains("outside the years"));
    }

    /**
     * An event the database refuses although it parsed (here a check constraint the test adds, as a stand-in for any
     * row PostgreSQL will not take) is set aside with the reason; the events around it in its batch are stored.
     */
    @Test
    void anEventTheDatabaseRefusesIsDeadLetteredAndTheRestOfItsBatchIsStored() throws Exception {
        String leadId = "lead-" + UUID.randomUUID();
        var before = new LeadEvent(1, "acme", "evt-" + UUID.randomUUID(), leadId, "page_view",
                Instant.parse("2026-11-01T10:00:00Z"), null, Map.of(), null);
        var poison = new LeadEvent(1, "acme", "poison-" + UUID.randomUUID(), leadId, "page_view",
                Instant.parse("2026-11-01T10:00:01Z"), null, Map.of(), null);
        var after = new LeadEvent(1, "acme", "evt-" + UUID.randomUUID(), leadId, "email_open",
                Instant.parse("2026-11-01T10:00:02Z"), null, Map.of(), null);
        sql("ALTER TABLE lead_event ADD CONSTRAINT test_refuses_poison CHECK (event_id NOT LIKE 'poison-%') NOT VALID");
        try {
            produce(before, poison, after);
            await().atMost(Duration.ofSeconds(30)).until(() -> countEvents(leadId) == 2);
            String reason = reason(deadLetter(poison.key()));
            assertTrue(reason.contains("storing or scoring failed") && reason.contains("test_refuses_poison"), reason);
        } finally {
            sql("ALTER TABLE lead_event DROP CONSTRAINT test_refuses_poison");
        }
    }

    private static void produce(LeadEvent... events) throws Exception {
        try (var producer = KafkaBroker.producer()) {
            for (LeadEvent e : events) {
                producer.send(new ProducerRecord<>(Topics.LEAD_EVENTS, e.key(),
                        ContractsJson.mapper().writeValueAsString(e))).get();
            }
        }
    }

    /** The dead-lettered record with this key, once it arrives. */
    private static ConsumerRecord<String, String> deadLetter(String key) {
        try (var consumer = KafkaBroker.consumer(Topics.LEAD_EVENTS_DLQ)) {
            return await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        return r;
                    }
                }
                return null;
            }, r -> r != null);
        }
    }

    private static String reason(ConsumerRecord<String, String> dead) {
        return new String(dead.headers().lastHeader(MessageHeaders.DEAD_LETTER_REASON).value());
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = PostgresServer.get().connect(ScoringTestInfra.DATABASE);
                var st = c.createStatement()) {
            st.execute(statement);
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
