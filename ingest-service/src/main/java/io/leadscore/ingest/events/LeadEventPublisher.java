package io.leadscore.ingest.events;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.contracts.LeadEvent;
import io.leadscore.contracts.MessageHeaders;
import io.leadscore.contracts.Topics;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes facts to {@code lead-events}, keyed by tenant and lead. The returned Uni completes when the broker has
 * acknowledged the record (acks=all, idempotent producer), which is when ingest may answer 202. The connector adds the
 * W3C {@code traceparent} header from the current span.
 */
@ApplicationScoped
public class LeadEventPublisher {

    private static final byte[] SCHEMA_VERSION = String.valueOf(LeadEvent.CURRENT_SCHEMA_VERSION)
            .getBytes(StandardCharsets.UTF_8);

    private final ObjectMapper mapper;

    @Inject
    @Channel(Topics.LEAD_EVENTS)
    // Requests are already bounded by the per-tenant rate limit; the producer's own buffer applies back-pressure.
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    MutinyEmitter<String> emitter;

    public LeadEventPublisher(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public Uni<Void> publish(LeadEvent event) {
        String json;
        try {
            json = mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        var headers = new RecordHeaders().add(MessageHeaders.SCHEMA_VERSION, SCHEMA_VERSION);
        var metadata = OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key()).withHeaders(headers).build();
        return emitter.sendMessage(Message.of(json).addMetadata(metadata));
    }
}
