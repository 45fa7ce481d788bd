package io.leadscore.scoring.projection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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
import io.vertx.mutiny.sqlclient.RowSet;
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

    private final PgPool pool;
    private final Counter published;

    @Inject
    @Channel(Topics.SCORE_CHANGES)
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    MutinyEmitter<String> emitter;

    public ScoreChangePublisher(PgPool pool, MeterRegistry registry) {
        this.pool = pool;
        this.published = registry.counter("leadscore.score.changes.published");
    }

    public Uni<Void> publish(List<Long> outboxIds) {
        if (outboxIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("SELECT id, message_key, payload, traceparent FROM score_change_outbox "
                + "WHERE id = ANY($1) ORDER BY id").execute(Tuple.of(outboxIds.toArray(Long[]::new)))
                .chain(this::sendAndDelete);
    }

    /** Publishes what an earlier crash or failed send left in the outbox. */
    @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT id, message_key, payload, traceparent "
                + "FROM score_change_outbox WHERE created_at < now() - interval '5 seconds' ORDER BY id LIMIT 1000 "
                + "FOR UPDATE SKIP LOCKED").execute()
                .chain(rows -> {
                    if (rows.size() > 0) {
                        LOG.infof("Republishing %d score changes left in the outbox", rows.size());
                    }
                    return sendAndDelete(rows);
                }))
                .onFailure().invoke(e -> LOG.warnf("Outbox sweep failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Void> sendAndDelete(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> sends = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (Row row : rows) {
            ids.add(row.getLong("id"));
            var headers = new RecordHeaders().add(MessageHeaders.SCHEMA_VERSION, SCHEMA_VERSION);
            String traceparent = row.getString("traceparent");
            if (traceparent != null) {
                headers.add(MessageHeaders.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
            }
            var metadata = OutgoingKafkaRecordMetadata.<String>builder().withKey(row.getString("message_key"))
                    .withHeaders(headers).build();
            sends.add(emitter.sendMessage(Message.of(row.getJsonObject("payload").encode()).addMetadata(metadata)));
        }
        return Uni.join().all(sends).andFailFast()
                .chain(() -> pool.preparedQuery("DELETE FROM score_change_outbox WHERE id = ANY($1)")
                        .execute(Tuple.of(ids.toArray(Long[]::new))))
                .invoke(() -> published.increment(ids.size()))
                .replaceWithVoid();
    }
}
