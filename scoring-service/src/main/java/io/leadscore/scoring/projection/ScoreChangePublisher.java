package io.leadscore.scoring.projection;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import io.leadscore.contracts.MessageHeaders;
import io.leadscore.contracts.ScoreChanged;
import io.leadscore.contracts.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Relays {@code ScoreChanged} messages from the outbox to {@code score-changes}: right after the transaction that wrote
 * them, and from a sweeper for any a crash left behind. A row is deleted only once Kafka has acknowledged it, so a
 * message can be published twice but never lost; consumers deduplicate.
 */
@ApplicationScoped
public class ScoreChangePublisher {

    private static final Logger LOG = Logger.getLogger(ScoreChangePublisher.class);
    private static final byte[] SCHEMA_VERSION = String.valueOf(ScoreChanged.CURRENT_SCHEMA_VERSION)
            .getBytes(StandardCharsets.UTF_8);

    /** Sent but not yet acknowledged messages above which live scoring waits for the broker. */
    static final long MAX_IN_FLIGHT = 20_000;

    /** A sweep gives up (and rolls back, keeping its rows for the next one) after waiting this long for the broker. */
    static final Duration SWEEP_ACK_TIMEOUT = Duration.ofSeconds(30);

    private final PgPool pool;
    private final Counter published;
    private final AtomicLong inFlight = new AtomicLong();

    @Inject
    @Channel(Topics.SCORE_CHANGES)
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    MutinyEmitter<String> emitter;

    public ScoreChangePublisher(PgPool pool, MeterRegistry registry) {
        this.pool = pool;
        this.published = registry.counter("leadscore.score.changes.published");
    }

    /** Sends committed outbox messages and deletes their rows once the broker has acknowledged them all. */
    public Uni<Void> publish(List<OutboxMessage> messages) {
        return publish(messages, pool);
    }

    /**
     * As {@link #publish(List)}, deleting through {@code rowsOwner}: the sweeper must delete inside the transaction
     * that locked the rows, since a DELETE on another connection would wait for that transaction's locks, and the
     * transaction for the DELETE, forever (a wait PostgreSQL cannot see as a deadlock).
     */
    private Uni<Void> publish(List<OutboxMessage> messages, SqlClient rowsOwner) {
        if (messages.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        inFlight.addAndGet(messages.size());
        List<Uni<Void>> sends = new ArrayList<>(messages.size());
        for (OutboxMessage m : messages) {
            // Called in commit order, so one lead's changes reach the producer, and its partition, in order.
            sends.add(emitter.sendMessage(toMessage(m)));
        }
        Long[] ids = messages.stream().map(OutboxMessage::id).toArray(Long[]::new);
        return Uni.join().all(sends).andCollectFailures()
                .eventually(() -> inFlight.addAndGet(-messages.size()))
                .chain(() -> rowsOwner.preparedQuery("DELETE FROM score_change_outbox WHERE id = ANY($1)")
                        .execute(Tuple.of((Object) ids)))
                .invoke(() -> published.increment(ids.length))
                .replaceWithVoid();
    }

    /**
     * Starts sending without waiting for the broker, so the caller can go on with its next batch; the returned Uni
     * completes at once, unless more than {@link #MAX_IN_FLIGHT} messages are still unacknowledged, in which case it
     * waits for this batch (back-pressure instead of an ever-growing buffer). A failure leaves the rows in the outbox
     * for the sweeper.
     */
    public Uni<Void> publishInBackground(List<OutboxMessage> messages) {
        if (messages.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> sending = publish(messages)
                .onFailure().invoke(e -> LOG.warnf("Publishing %d score changes failed; the outbox sweeper will retry: %s",
                        messages.size(), e.getMessage()))
                .onFailure().recoverWithNull()
                .memoize().indefinitely();
        sending.subscribe().with(ignored -> {
        });
        return inFlight.get() > MAX_IN_FLIGHT ? sending : Uni.createFrom().voidItem();
    }

    /**
     * Publishes what an earlier crash or failed send left in the outbox. The rows stay locked until the broker has
     * acknowledged them and they are deleted, so replicas never sweep the same rows; a live publish still deleting one of
     * them waits for this transaction (at most {@link #SWEEP_ACK_TIMEOUT}) and then deletes nothing.
     */
    @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT id, message_key, payload::text, traceparent "
                + "FROM score_change_outbox WHERE created_at < now() - interval '5 seconds' ORDER BY id LIMIT 1000 "
                + "FOR UPDATE SKIP LOCKED").execute()
                .chain(rows -> {
                    List<OutboxMessage> left = new ArrayList<>();
                    for (Row row : rows) {
                        left.add(new OutboxMessage(row.getLong(0), row.getString(1), row.getString(2),
                                row.getString(3)));
                    }
                    if (!left.isEmpty()) {
                        LOG.infof("Republishing %d score changes left in the outbox", left.size());
                    }
                    // Bounds how long the rows stay locked if the broker neither acknowledges nor fails the sends.
                    return publish(left, conn).ifNoItem().after(SWEEP_ACK_TIMEOUT).fail();
                }))
                .onFailure().invoke(e -> LOG.warnf("Outbox sweep failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private static Message<String> toMessage(OutboxMessage m) {
        var headers = new RecordHeaders().add(MessageHeaders.SCHEMA_VERSION, SCHEMA_VERSION);
        if (m.traceparent() != null) {
            headers.add(MessageHeaders.TRACEPARENT, m.traceparent().getBytes(StandardCharsets.UTF_8));
        }
        var metadata = OutgoingKafkaRecordMetadata.<String>builder().withKey(m.key()).withHeaders(headers).build();
        return Message.of(m.payload()).addMetadata(metadata);
    }
}
