package io.leadscore.notification.inbound;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.contracts.LeadEscalated;
import io.leadscore.contracts.LeadStageChanged;
import io.leadscore.contracts.MessageHeaders;
import io.leadscore.notification.contact.TenantSettingsStore;
import io.leadscore.notification.delivery.DeliveryDispatcher;
import io.leadscore.notification.domain.Alert;
import io.leadscore.notification.domain.AlertDecider;
import io.leadscore.notification.domain.AlertKind;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Consumes routing's queue topics ({@code leads.mql}, {@code leads.sql}) and {@code lead-escalations} a poll batch at
 * a time. Each batch is one transaction: the alerts and their pending deliveries are recorded, unreadable records are
 * set aside with the reason; only after the commit is the batch acknowledged (so its offsets may be committed) and the
 * new deliveries sent. A failed transaction is retried with back-off and the batch is never acknowledged before.
 */
@ApplicationScoped
public class RoutingMessagesConsumer {

    private static final Logger LOG = Logger.getLogger(RoutingMessagesConsumer.class);

    private final PgPool pool;
    private final AlertIntake intake;
    private final TenantSettingsStore settings;
    private final DeliveryDispatcher dispatcher;
    private final Clock clock;
    private final ObjectMapper mapper = ContractsJson.mapper();

    public RoutingMessagesConsumer(PgPool pool, AlertIntake intake, TenantSettingsStore settings,
            DeliveryDispatcher dispatcher, Clock clock) {
        this.pool = pool;
        this.intake = intake;
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    @Incoming("stage-alerts")
    public Uni<Void> stageChanges(KafkaRecordBatch<String, String> batch) {
        return consume(batch, LeadStageChanged.class);
    }

    @Incoming("escalation-alerts")
    public Uni<Void> escalations(KafkaRecordBatch<String, String> batch) {
        return consume(batch, LeadEscalated.class);
    }

    private record Parsed(KafkaRecord<String, String> record, Object message, String problem, String traceparent) {
    }

    private record Rejected(KafkaRecord<String, String> record, String reason) {
    }

    private Uni<Void> consume(KafkaRecordBatch<String, String> batch, Class<?> type) {
        List<Parsed> parsed = new ArrayList<>();
        Set<String> tenants = new HashSet<>();
        for (KafkaRecord<String, String> record : batch) {
            try {
                if (record.getPayload() == null) {
                    parsed.add(new Parsed(record, null, "record has no value", null));
                    continue;
                }
                Object message = mapper.readValue(record.getPayload(), type);
                String tenant = message instanceof LeadStageChanged m ? m.tenant() : ((LeadEscalated) message).tenant();
                if (tenant != null) {
                    tenants.add(tenant);
                }
                parsed.add(new Parsed(record, message, null, traceparent(record)));
            } catch (IOException e) {
                parsed.add(new Parsed(record, null, "not a " + type.getSimpleName() + ": " + e.getMessage(), null));
            }
        }
        return pool.withTransaction(conn -> settings.enabledKinds(conn, tenants)
                .chain(enabled -> {
                    // Read on every try: a retry after a long outage must not commit leases that already ran out.
                    Instant now = clock.instant();
                    List<Alert> alerts = new ArrayList<>();
                    Map<Alert, String> traceparents = new IdentityHashMap<>();
                    List<Rejected> rejected = new ArrayList<>();
                    decide(parsed, enabled, alerts, traceparents, rejected);
                    return reject(conn, rejected, now).chain(() -> intake.accept(conn, alerts, traceparents, now));
                }))
                .onFailure().invoke(e -> LOG.warnf("Recording a batch of %d routing messages failed, retrying: %s",
                        parsed.size(), e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely()
                .chain(sendNow -> Uni.createFrom().completionStage(batch.ack())
                        .invoke(() -> dispatcher.dispatch(sendNow).subscribe().with(ignored -> {
                        }, e -> LOG.warnf("Sending new deliveries failed; the worker retries them: %s",
                                e.getMessage()))));
    }

    private static void decide(List<Parsed> parsed, Map<String, Set<AlertKind>> enabled, List<Alert> alerts,
            Map<Alert, String> traceparents, List<Rejected> rejected) {
        for (Parsed p : parsed) {
            if (p.problem() != null) {
                rejected.add(new Rejected(p.record(), p.problem()));
                continue;
            }
            try {
                Optional<Alert> alert;
                if (p.message() instanceof LeadStageChanged m) {
                    alert = AlertDecider.decide(m, enabled.getOrDefault(m.tenant(), TenantSettingsStore.ALL));
                } else {
                    LeadEscalated m = (LeadEscalated) p.message();
                    alert = AlertDecider.decide(m, enabled.getOrDefault(m.tenant(), TenantSettingsStore.ALL));
                }
                alert.ifPresent(a -> {
                    alerts.add(a);
                    if (p.traceparent() != null) {
                        traceparents.put(a, p.traceparent());
                    }
                });
            } catch (AlertDecider.UnreadableMessage e) {
                rejected.add(new Rejected(p.record(), e.getMessage()));
            }
        }
    }

    /**
     * The trace context the alert's deliveries continue: this service's own span for receiving the record when the
     * messaging instrumentation made one (it is a child of the record's {@code traceparent}), otherwise the record's
     * {@code traceparent} header as routing sent it.
     */
    static String traceparent(KafkaRecord<String, String> record) {
        Span received = record.getMetadata(TracingMetadata.class).map(TracingMetadata::getCurrentContext)
                .map(Span::fromContext).orElse(Span.getInvalid());
        if (received.getSpanContext().isValid()) {
            Map<String, String> carrier = new HashMap<>();
            W3CTraceContextPropagator.getInstance().inject(Context.root().with(received),
                    carrier, Map::put);
            String traceparent = carrier.get(MessageHeaders.TRACEPARENT);
            if (traceparent != null) {
                return traceparent;
            }
        }
        Header header = record.getHeaders() == null ? null : record.getHeaders().lastHeader(MessageHeaders.TRACEPARENT);
        return header == null || header.value() == null
                ? null
                : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static long offset(KafkaRecord<String, String> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class).map(m -> m.getOffset()).orElse(-1L);
    }

    private Uni<Void> reject(SqlConnection conn, List<Rejected> rejected, Instant now) {
        if (rejected.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> tuples = new ArrayList<>();
        for (Rejected r : rejected) {
            long offset = offset(r.record());
            LOG.warnf("Setting aside %s[%d]@%d: %s", r.record().getTopic(), r.record().getPartition(), offset,
                    r.reason());
            tuples.add(Tuple.tuple().addString(r.record().getTopic()).addInteger(r.record().getPartition())
                    .addLong(offset).addString(r.record().getKey()).addString(r.record().getPayload())
                    .addString(r.reason()).addValue(now.atOffset(ZoneOffset.UTC)));
        }
        return conn.preparedQuery("INSERT INTO rejected_message (topic, partition, record_offset, record_key, value, "
                + "reason, rejected_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                + "ON CONFLICT (topic, partition, record_offset) DO NOTHING")
                .executeBatch(tuples).replaceWithVoid();
    }
}
