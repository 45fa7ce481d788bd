package io.leadscore.routing.outbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import io.leadscore.contracts.MessageHeaders;
import io.leadscore.routing.config.RoutingConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Sends outbox messages to Kafka in id order (so one lead's messages keep their order) and deletes each one the broker
 * acknowledged. A crash between commit and acknowledgement leaves rows behind; the sweeper publishes them once their
 * claim has expired. Delivery is therefore at least once; every message carries a deterministic id for consumers to
 * de-duplicate on.
 */
@ApplicationScoped
public class OutboxPublisher {

    private static final Logger LOG = Logger.getLogger(OutboxPublisher.class);

    private final PgPool pool;
    private final RoutingConfig config;

    @Inject
    @Channel("routing-out")
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    MutinyEmitter<String> emitter;

    public OutboxPublisher(PgPool pool, RoutingConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /** Publishes after commit without holding up the caller; what fails stays in the outbox for the sweeper. */
    public void publishInBackground(List<OutboxMessage> messages) {
        if (messages.isEmpty()) {
            return;
        }
        publish(messages).subscribe().with(sent -> LOG.debugf("Published %d outbox messages", sent),
                failure -> LOG.warnf("Publishing outbox messages failed (%s); the sweeper will retry",
                        failure.getMessage()));
    }

    /** Sends the messages and deletes the acknowledged ones; answers how many were acknowledged. */
    public Uni<Integer> publish(List<OutboxMessage> messages) {
        if (messages.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Uni<Long>> sends = new ArrayList<>(messages.size());
        for (OutboxMessage m : messages) {
            sends.add(emitter.sendMessage(toMessage(m)).replaceWith(m.id())
                    .onFailure().invoke(f -> LOG.warnf("Kafka did not acknowledge outbox message %d to %s: %s",
                            m.id(), m.topic(), f.getMessage()))
                    .onFailure().recoverWithNull());
        }
        return Uni.join().all(sends).andCollectFailures()
                .chain(ids -> {
                    Long[] acked = ids.stream().filter(Objects::nonNull).toArray(Long[]::new);
                    if (acked.length == 0) {
                        return Uni.createFrom().item(0);
                    }
                    return pool.preparedQuery("DELETE FROM outbox WHERE id = ANY($1)").execute(Tuple.of(acked))
                            .map(rows -> acked.length);
                });
    }

    // Delayed: a run in the first moments after start found the outgoing Kafka channel not yet connected (SRMSG00019).
    @Scheduled(every = "{leadscore.routing.outbox-sweep-every}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledSweep() {
        return sweep().replaceWithVoid();
    }

    /**
     * Claims unclaimed or abandoned rows (SKIP LOCKED, so replicas never take the same rows), publishes them and deletes
     * the acknowledged ones. Answers how many were published.
     */
    public Uni<Integer> sweep() {
        return pool.withTransaction(conn -> conn.preparedQuery("UPDATE outbox SET claimed_until = now() + $1 * interval "
                + "'1 millisecond' WHERE id IN (SELECT id FROM outbox WHERE claimed_until < now() ORDER BY id "
                + "LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING " + Outbox.COLUMNS)
                .execute(Tuple.of(config.outboxClaim().toMillis(), config.outboxBatchSize())))
                .map(Outbox::messages)
                .chain(this::publish);
    }

    private static Message<String> toMessage(OutboxMessage m) {
        var headers = new RecordHeaders()
                .add(MessageHeaders.SCHEMA_VERSION, String.valueOf(m.schemaVersion()).getBytes(StandardCharsets.UTF_8));
        if (m.traceparent() != null) {
            headers.add(MessageHeaders.TRACEPARENT, m.traceparent().getBytes(StandardCharsets.UTF_8));
        }
        var metadata = OutgoingKafkaRecordMetadata.<String>builder().withTopic(m.topic()).withKey(m.key())
                .withHeaders(headers).build();
        return Message.of(m.payload()).addMetadata(metadata);
    }
}
