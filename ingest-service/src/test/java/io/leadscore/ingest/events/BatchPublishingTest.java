package io.leadscore.ingest.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.contracts.LeadEvent;
import io.leadscore.contracts.MessageHeaders;
import io.leadscore.contracts.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;

/**
 * A request's events are handed to the producer together and answered only when the last acknowledgement arrived; when
 * the broker refuses some, exactly those ids are released so the client's retry publishes them (and the stored ones
 * count as duplicates). Plain JUnit with Kafka's MockProducer, so acknowledgements and failures can be given one by
 * one.
 */
class BatchPublishingTest {

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    final MockProducer<String, byte[]> broker = new MockProducer<>(false, new FirstPartition(),
            new StringSerializer(), new ByteArraySerializer());
    final RecentEventIds recentIds = new RecentEventIds(new Limits());
    final EventIngestion ingestion = new EventIngestion(recentIds, new LeadEventPublisher(ContractsJson.mapper(),
            new OneProducer(broker), OpenTelemetry.noop().getTracer("test"), OpenTelemetry.noop()),
            new SimpleMeterRegistry());

    static EventValidator.ValidEvent event(String eventId, String leadId) {
        return new EventValidator.ValidEvent(eventId, leadId, "page_view", NOW, Map.of("url", "/pricing"), null);
    }

    @Test
    void answersOnlyAfterEveryRecordOfTheBatchIsAcknowledged() throws Exception {
        AtomicReference<IngestResult> result = new AtomicReference<>();
        ingestion.ingest("acme", List.of(event("a", "L1"), event("b", "L2"), event("a", "L1")), NOW)
                .subscribe().with(result::set);

        assertEquals(2, broker.history().size(), "both new events sent at once, the resent id not at all");
        ProducerRecord<String, byte[]> first = broker.history().get(0);
        assertEquals(Topics.LEAD_EVENTS, first.topic());
        assertEquals("acme/L1", first.key());
        LeadEvent published = ContractsJson.mapper().readValue(first.value(), LeadEvent.class);
        assertEquals("a", published.eventId());
        assertEquals("acme", published.tenant());
        assertEquals(NOW, published.receivedAt());
        assertEquals("1", new String(first.headers().lastHeader(MessageHeaders.SCHEMA_VERSION).value(),
                StandardCharsets.UTF_8));

        broker.completeNext();
        assertNull(result.get(), "no answer while a record is unacknowledged");
        broker.completeNext();
        assertEquals(new IngestResult(2, 1), result.get());
    }

    @Test
    void refusedEventsAreReleasedForTheRetryAndStoredOnesStayDuplicates() {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ingestion.ingest("acme", List.of(event("s1", "L1"), event("r1", "L2"), event("s2", "L3")), NOW)
                .subscribe().with(ignored -> {
                }, failure::set);
        broker.completeNext();
        broker.errorNext(new TimeoutException("broker unavailable"));
        assertNull(failure.get(), "the answer waits for the last record");
        broker.completeNext();

        var refused = assertInstanceOf(LeadEventPublisher.PublishFailedException.class, failure.get());
        assertEquals(List.of("r1"), refused.unacknowledged().stream().map(LeadEvent::eventId).toList());
        assertTrue(recentIds.claim("acme", "r1"), "the refused id was released");
        assertFalse(recentIds.claim("acme", "s1"), "a stored id is still a duplicate");
        assertFalse(recentIds.claim("acme", "s2"), "a stored id is still a duplicate");
    }

    @Test
    void aResendWhileTheOriginalIsUnacknowledgedWaitsAndIsADuplicateOnceItIsStored() {
        AtomicReference<IngestResult> original = new AtomicReference<>();
        AtomicReference<IngestResult> resend = new AtomicReference<>();
        ingestion.ingest("acme", List.of(event("e-1", "L1")), NOW).subscribe().with(original::set);
        ingestion.ingest("acme", List.of(event("e-1", "L1")), NOW).subscribe().with(resend::set);

        assertEquals(1, broker.history().size(), "the resend is not published a second time");
        assertNull(resend.get(), "no answer for the resend while nobody knows whether the original is stored");
        broker.completeNext();
        assertEquals(new IngestResult(1, 0), original.get());
        assertEquals(new IngestResult(0, 1), resend.get());
        assertEquals(1, broker.history().size());
        assertEquals(0, recentIds.inFlight());
    }

    @Test
    void aResendWhileTheOriginalFailsPublishesTheEventItselfAndAnswersOnlyThen() {
        AtomicReference<Throwable> originalFailure = new AtomicReference<>();
        AtomicReference<IngestResult> resend = new AtomicReference<>();
        ingestion.ingest("acme", List.of(event("e-1", "L1")), NOW).subscribe().with(ignored -> {
        }, originalFailure::set);
        ingestion.ingest("acme", List.of(event("e-1", "L1"), event("e-2", "L2")), NOW).subscribe().with(resend::set);
        assertEquals(List.of("acme/L1", "acme/L2"), broker.history().stream().map(ProducerRecord::key).toList(),
                "the resend's other event is published at once");

        broker.errorNext(new TimeoutException("delivery timed out"));
        assertInstanceOf(LeadEventPublisher.PublishFailedException.class, originalFailure.get());
        assertEquals(List.of("acme/L1", "acme/L2", "acme/L1"),
                broker.history().stream().map(ProducerRecord::key).toList(),
                "the resend publishes the event the original could not store");
        broker.completeNext();
        assertNull(resend.get(), "still waiting for its own copy of e-1");
        broker.completeNext();
        assertEquals(new IngestResult(2, 0), resend.get());
        assertEquals(0, recentIds.inFlight());
        assertFalse(recentIds.claim("acme", "e-1"), "stored now");
    }

    @Test
    void anEmptyBatchAfterDedupeSendsNothing() {
        recentIds.claim("acme", "seen");
        IngestResult result = ingestion.ingest("acme", List.of(event("seen", "L1")), NOW).await()
                .atMost(Duration.ofSeconds(1));
        assertEquals(new IngestResult(0, 1), result);
        assertTrue(broker.history().isEmpty());
    }

    @Test
    void generatedIdsAreFilledIn() {
        ingestion.ingest("acme", List.of(event(null, "L1")), NOW).subscribe().with(ignored -> {
        });
        assertEquals("acme/L1", broker.history().get(0).key());
        assertTrue(new String(broker.history().get(0).value(), StandardCharsets.UTF_8).matches(
                ".*\"eventId\":\"[0-9a-f-]{36}\".*"));
    }

    /** The connector's producer, reduced to what the publisher uses: tasks run at once on the calling thread. */
    record OneProducer(MockProducer<String, byte[]> producer) implements KafkaClientService {

        @Override
        @SuppressWarnings("unchecked")
        public <K, V> KafkaProducer<K, V> getProducer(String channel) {
            return Topics.LEAD_EVENTS.equals(channel) ? (KafkaProducer<K, V>) new Sending(producer) : null;
        }

        @Override
        public <K, V> List<KafkaConsumer<K, V>> getConsumers(String channel) {
            return List.of();
        }

        @Override
        public Set<String> getConsumerChannels() {
            return Set.of();
        }

        @Override
        public Set<String> getProducerChannels() {
            return Set.of(Topics.LEAD_EVENTS);
        }
    }

    record Sending(MockProducer<String, byte[]> producer) implements KafkaProducer<String, byte[]> {

        @Override
        public Uni<Void> runOnSendingThread(Consumer<Producer<String, byte[]>> action) {
            action.accept(producer);
            return Uni.createFrom().voidItem();
        }

        @Override
        public <R> Uni<R> runOnSendingThread(Function<Producer<String, byte[]>, R> action) {
            return Uni.createFrom().item(action.apply(producer));
        }

        @Override
        public Producer<String, byte[]> unwrap() {
            return producer;
        }

        @Override
        public Map<String, ?> configuration() {
            return Map.of();
        }

        @Override
        public Uni<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Uni<Void> flush() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Uni<List<PartitionInfo>> partitionsFor(String topic) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Uni<Void> initTransactions() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Uni<Void> beginTransaction() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Uni<Void> commitTransaction() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Uni<Void> abortTransaction() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Uni<Void> sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                ConsumerGroupMetadata groupMetadata) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    static final class FirstPartition implements Partitioner {

        @Override
        public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes,
                Cluster cluster) {
            return 0;
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }

    static final class Limits implements IngestLimits {

        @Override
        public int maxEventsPerRequest() {
            return 1000;
        }

        @Override
        public int maxBodyBytes() {
            return 1 << 20;
        }

        @Override
        public int maxEventBytes() {
            return 8192;
        }

        @Override
        public int maxKeys() {
            return 64;
        }

        @Override
        public Duration maxFutureSkew() {
            return Duration.ofMinutes(5);
        }

        @Override
        public Duration dedupeWindow() {
            return Duration.ofHours(24);
        }

        @Override
        public long dedupeMaxEntries() {
            return 1000;
        }
    }
}
