package io.leadscore.scoring.eventstore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.contracts.LeadEvent;
import io.leadscore.contracts.MessageHeaders;
import io.leadscore.contracts.MessageKeys;
import io.leadscore.contracts.Topics;
import io.leadscore.scoring.engine.Fact;
import io.leadscore.scoring.projection.LiveScoring;
import io.leadscore.scoring.projection.ScoreChangePublisher;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.pgclient.PgPool;

/**
 * Consumes {@code lead-events} a poll batch at a time: parses every record, dead-letters what cannot be parsed, appends
 * the rest to the event store in one transaction, and only then acknowledges (which lets the offsets be committed).
 */
@ApplicationScoped
public class LeadEventsConsumer {

    private static final Logger LOG = Logger.getLogger(LeadEventsConsumer.class);

    private final EventStore store;
    private final LiveScoring scoring;
    private final ScoreChangePublisher publisher;
    private final PgPool pool;
    private final ObjectMapper mapper;
    private final io.micrometer.core.instrument.Counter scored;
    private final io.micrometer.core.instrument.Counter deadLettered;
    private final io.micrometer.core.instrument.Timer ingestToScore;

    @Inject
    @Channel("lead-events-dlq")
    MutinyEmitter<String> deadLetters;

    public LeadEventsConsumer(EventStore store, LiveScoring scoring, ScoreChangePublisher publisher, PgPool pool,
            ObjectMapper mapper, io.micrometer.core.instrument.MeterRegistry registry) {
        this.store = store;
        this.scoring = scoring;
        this.publisher = publisher;
        this.pool = pool;
        this.mapper = mapper;
        this.scored = registry.counter("leadscore.events.scored");
        this.deadLettered = registry.counter("leadscore.events.dead.lettered");
        // From ingest receiving an event to its score being committed: the scoring part of event-to-alert latency.
        this.ingestToScore = io.micrometer.core.instrument.Timer.builder("leadscore.event.to.score.latency")
                .publishPercentileHistogram().register(registry);
    }

    /** Tries of a whole batch before its events are stored one by one. */
    static final int BATCH_RETRIES = 3;

    @Incoming(Topics.LEAD_EVENTS)
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        List<StoredEvent> parsed = new ArrayList<>();
        List<Uni<Void>> deadLettered = new ArrayList<>();
        for (var record : batch) {
            try {
                parsed.add(parse(record.getPayload(), traceparent(record)));
            } catch (InvalidLeadEventException | java.io.IOException e) {
                deadLettered.add(deadLetter(record.getKey(), record.getPayload(), e.getMessage()));
            }
        }
        Uni<Void> dlq = deadLettered.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(deadLettered).andFailFast().replaceWithVoid();
        this.deadLettered.increment(deadLettered.size());
        // Millisecond precision: the instant is stored (PostgreSQL keeps microseconds) and must reproduce exactly.
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        // The batch is never acknowledged, and so never skipped, before every event in it is durable or dead-lettered.
        // A failure while the database does not answer fails the batch, which is retried with back-off until it does.
        return dlq.chain(() -> storeOrSetAside(parsed, now)
                .onFailure().invoke(e -> LOG.warnf("Storing a batch of %d events failed, retrying: %s", parsed.size(),
                        e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely())
                .chain(() -> Uni.createFrom().completionStage(batch.ack()));
    }

    /**
     * One transaction per poll batch: the facts, the projections they change and the outbox of ScoreChanged messages
     * commit together; only then are the messages published. A batch that keeps failing (beyond a concurrent append
     * during a rebalance, which a retry settles) while the database answers holds an event that cannot be stored or
     * scored: the events are then stored one by one and the one that still fails is dead-lettered with the reason,
     * instead of stopping its partition, and every tenant on it, for good.
     */
    private Uni<Void> storeOrSetAside(List<StoredEvent> events, Instant now) {
        return store(events, now)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2)).atMost(BATCH_RETRIES)
                .onFailure().recoverWithUni(failure -> oneByOne(events, now, failure));
    }

    private Uni<Void> store(List<StoredEvent> events, Instant now) {
        return pool.withTransaction(conn -> store.append(conn, events)
                .chain(appended -> scoring.onNewEvents(conn, appended, now)))
                .invoke(scoring::committed)
                .invoke(() -> recordMetrics(events))
                // The changes are durable in the outbox: hand them to the producer from memory without waiting for the
                // broker, so the next batch's database work overlaps this one's sends. A send that fails leaves its row
                // in the outbox for the sweeper; the facts are already safe.
                .call(result -> publisher.publishInBackground(result.outbox()))
                .replaceWithVoid();
    }

    private Uni<Void> oneByOne(List<StoredEvent> events, Instant now, Throwable batchFailure) {
        return databaseAnswers(batchFailure).chain(() -> {
            LOG.warnf("Storing a batch of %d events keeps failing (%s); storing them one by one", events.size(),
                    batchFailure.getMessage());
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (StoredEvent event : events) {
                chain = chain.chain(() -> store(List.of(event), now)
                        .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(1)).atMost(2)
                        .onFailure().recoverWithUni(failure -> databaseAnswers(failure)
                                .chain(() -> deadLetter(MessageKeys.leadKey(event.tenant(), event.leadId()),
                                        event.payload(), "storing or scoring failed: " + failure.getMessage()))
                                .invoke(() -> deadLettered.increment())));
            }
            return chain;
        });
    }

    /** Completes when the database answers; fails with {@code failure} when it does not (nothing is set aside then). */
    private Uni<Void> databaseAnswers(Throwable failure) {
        return pool.query("SELECT 1").execute().replaceWithVoid().onFailure().transform(down -> failure);
    }

    private void recordMetrics(List<StoredEvent> parsed) {
        Instant committed = Instant.now();
        scored.increment(parsed.size());
        for (StoredEvent e : parsed) {
            ingestToScore.record(java.time.Duration.between(e.receivedAt(), committed));
        }
    }

    private static String traceparent(KafkaRecord<String, String> record) {
        Header header = record.getHeaders().lastHeader(MessageHeaders.TRACEPARENT);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    StoredEvent parse(String json, String traceparent) throws java.io.IOException {
        if (json == null) {
            throw new InvalidLeadEventException("record has no value");
        }
        if (json.contains("\\u0000")) {
            // PostgreSQL cannot hold a NUL character in jsonb (routing keeps each lead's profile as jsonb) nor in text
            // once unescaped: downstream, storing one would fail a whole batch forever. Refused here, at the edge.
            throw new InvalidLeadEventException("the event contains a NUL character (\\u0000), which cannot be stored");
        }
        LeadEvent e = mapper.readValue(json, LeadEvent.class);
        if (e.schemaVersion() < 1 || e.schemaVersion() > LeadEvent.CURRENT_SCHEMA_VERSION) {
            throw new InvalidLeadEventException("unsupported schemaVersion " + e.schemaVersion());
        }
        requireText(e.tenant(), "tenant");
        requireText(e.leadId(), "leadId");
        requireText(e.eventId(), "eventId");
        requireText(e.type(), "type");
        if (e.occurredAt() == null) {
            throw new InvalidLeadEventException("occurredAt is missing");
        }
        if (e.occurredAt().isBefore(Fact.EARLIEST) || e.occurredAt().isAfter(Fact.LATEST)) {
            throw new InvalidLeadEventException("occurredAt " + e.occurredAt() + " is outside the years 1 to 9999");
        }
        // To the microsecond, as PostgreSQL stores it: replay and rebuild read the stored instant back, so live
        // scoring must order and age the event by that same instant (two events within one microsecond otherwise
        // came out in one order live and in another replayed).
        Instant occurredAt = e.occurredAt().truncatedTo(ChronoUnit.MICROS);
        return new StoredEvent(e.tenant(), e.leadId(), e.eventId(), e.type(), occurredAt,
                e.receivedAt() == null ? occurredAt : e.receivedAt().truncatedTo(ChronoUnit.MICROS), json, traceparent,
                e.properties() == null ? Map.of() : e.properties(), e.attributes());
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidLeadEventException(field + " is missing");
        }
    }

    private Uni<Void> deadLetter(String key, String value, String reason) {
        LOG.warnf("Dead-lettering record with key %s: %s", key, reason);
        var headers = new RecordHeaders().add(MessageHeaders.DEAD_LETTER_REASON, reason.getBytes(StandardCharsets.UTF_8));
        var metadata = OutgoingKafkaRecordMetadata.<String>builder().withKey(key).withHeaders(headers).build();
        return deadLetters.sendMessage(Message.of(value == null ? "" : value).addMetadata(metadata));
    }

    static class InvalidLeadEventException extends RuntimeException {
        InvalidLeadEventException(String message) {
            super(message);
        }
    }
}
