package io.leadscore.ingest.events;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.contracts.LeadEvent;
import io.leadscore.contracts.MessageHeaders;
import io.leadscore.contracts.Topics;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;

/**
 * Publishes facts to {@code lead-events}, keyed by tenant and lead, a whole request at a time. The returned Uni
 * completes when the broker has acknowledged every record (acks=all, idempotent producer), which is when ingest may
 * answer 202.
 *
 * <p>
 * Why not one {@code emitter.send} per event: each message then travels through its own reactive pipeline with
 * context propagation, a producer span and an acknowledgement subscription, which cost more CPU than validating,
 * serialising and producing the event together. Here a request's records are handed to the connector's own producer
 * (configured under {@code mp.messaging.outgoing.lead-events.*}, watched by its health check) in one task on the
 * connector's sending thread, so a full producer buffer or a metadata wait never blocks the event loop. One producer
 * span per request carries the W3C {@code traceparent} into every record's headers.
 */
@ApplicationScoped
public class LeadEventPublisher {

    static final AttributeKey<Long> BATCH_COUNT = AttributeKey.longKey("messaging.batch.message_count");
    private static final Header SCHEMA_VERSION = new RecordHeader(MessageHeaders.SCHEMA_VERSION,
            String.valueOf(LeadEvent.CURRENT_SCHEMA_VERSION).getBytes(StandardCharsets.UTF_8));

    private final LeadEventJson json;
    private final KafkaClientService kafka;
    private final Tracer tracer;
    private final OpenTelemetry openTelemetry;
    private volatile KafkaProducer<String, byte[]> producer;

    /**
     * Declares the channel, so the connector creates and configures the producer, reports its health and closes it on
     * shutdown; records go through that producer directly (see the class comment).
     */
    @Inject
    @Channel(Topics.LEAD_EVENTS)
    MutinyEmitter<byte[]> channel;

    public LeadEventPublisher(ObjectMapper mapper, KafkaClientService kafka, Tracer tracer,
            OpenTelemetry openTelemetry) {
        this.json = new LeadEventJson(mapper);
        this.kafka = kafka;
        this.tracer = tracer;
        this.openTelemetry = openTelemetry;
    }

    /**
     * Sends every event and completes once all are acknowledged, or fails with {@link PublishFailedException} naming
     * the events the broker did not acknowledge (the others were stored).
     */
    public Uni<Void> publish(List<LeadEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(events.size());
        Span span = tracer.spanBuilder(Topics.LEAD_EVENTS + " publish").setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.destination.name", Topics.LEAD_EVENTS)
                .setAttribute("messaging.operation.type", "publish")
                .setAttribute(BATCH_COUNT, (long) events.size())
                .startSpan();
        Header[] headers = headers(span);
        List<byte[]> values;
        try {
            values = json.write(events);
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, "serialisation failed").end();
            return Uni.createFrom().failure(new PublishFailedException(events, e));
        }
        for (int i = 0; i < events.size(); i++) {
            records.add(new ProducerRecord<>(Topics.LEAD_EVENTS, null, events.get(i).key(), values.get(i),
                    new RecordHeaders(headers)));
        }
        // Sent when subscribed (once, by the request), like any other Uni.
        return Uni.createFrom().emitter(emitter -> sendAll(events, records, span, emitter));
    }

    private void sendAll(List<LeadEvent> events, List<ProducerRecord<String, byte[]>> records, Span span,
            UniEmitter<? super Void> emitter) {
        KafkaProducer<String, byte[]> producer;
        try {
            producer = producer();
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, "no producer").end();
            emitter.fail(new PublishFailedException(events, e));
            return;
        }
        producer.runOnSendingThread((Producer<String, byte[]> p) -> {
            var batch = new PendingBatch(events, span, emitter);
            for (int i = 0; i < records.size(); i++) {
                int index = i;
                try {
                    p.send(records.get(i), (metadata, failure) -> batch.completed(index, failure));
                } catch (RuntimeException e) {
                    // send() throws (rather than calling back) e.g. when the buffer stayed full for max.block.ms.
                    batch.completed(index, e);
                }
            }
        }).subscribe().with(ignored -> {
        }, failure -> {
            span.setStatus(StatusCode.ERROR, "not sent").end();
            emitter.fail(new PublishFailedException(events, failure));
        });
    }

    private Header[] headers(Span span) {
        List<Header> headers = new ArrayList<>(3);
        headers.add(SCHEMA_VERSION);
        openTelemetry.getPropagators().getTextMapPropagator().inject(Context.current().with(span), headers,
                (carrier, key, value) -> carrier.add(new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8))));
        return headers.toArray(Header[]::new);
    }

    private KafkaProducer<String, byte[]> producer() {
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            p = kafka.getProducer(Topics.LEAD_EVENTS);
            if (p == null) {
                throw new IllegalStateException("the " + Topics.LEAD_EVENTS + " channel has no Kafka producer");
            }
            producer = p;
        }
        return p;
    }

    /** Counts a batch's acknowledgements, which arrive on the producer's I/O thread. */
    private static final class PendingBatch {

        private final List<LeadEvent> events;
        private final Span span;
        private final UniEmitter<? super Void> emitter;
        private final AtomicInteger outstanding;
        private final BitSet failed;
        private Throwable firstFailure;

        PendingBatch(List<LeadEvent> events, Span span, UniEmitter<? super Void> emitter) {
            this.events = events;
            this.span = span;
            this.emitter = emitter;
            this.outstanding = new AtomicInteger(events.size());
            this.failed = new BitSet(events.size());
        }

        void completed(int index, Throwable failure) {
            if (failure != null) {
                synchronized (this) {
                    failed.set(index);
                    if (firstFailure == null) {
                        firstFailure = failure;
                    }
                }
            }
            if (outstanding.decrementAndGet() != 0) {
                return;
            }
            List<LeadEvent> unacknowledged;
            Throwable cause;
            synchronized (this) {
                cause = firstFailure;
                unacknowledged = cause == null ? List.of() : failed.stream().mapToObj(events::get).toList();
            }
            if (cause == null) {
                span.end();
                emitter.complete(null);
            } else {
                span.recordException(cause);
                span.setStatus(StatusCode.ERROR, unacknowledged.size() + " of " + events.size() + " not acknowledged")
                        .end();
                emitter.fail(new PublishFailedException(unacknowledged, cause));
            }
        }
    }

    /** Some events of a batch were not acknowledged by the broker; the rest were stored. */
    public static final class PublishFailedException extends RuntimeException {

        private final transient List<LeadEvent> unacknowledged;

        PublishFailedException(List<LeadEvent> unacknowledged, Throwable cause) {
            super(unacknowledged.size() + " event(s) not acknowledged by Kafka: " + cause.getMessage(), cause);
            this.unacknowledged = unacknowledged;
        }

        public List<LeadEvent> unacknowledged() {
            return unacknowledged;
        }
    }
}
