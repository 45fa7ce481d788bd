package io.leadscore.scoring.eventstore;

import java.time.Instant;
import java.util.Map;

/**
 * One fact as stored in a lead's stream. {@code payload} is the JSON envelope as received; {@code traceparent} the W3C
 * trace context it arrived with (not stored), so the score change it causes continues the same trace.
 * {@code properties} and {@code attributes} are the envelope's, already decoded, so scoring does not parse it again.
 */
public record StoredEvent(String tenant, String leadId, String eventId, String type, Instant occurredAt,
        Instant receivedAt, String payload, String traceparent, Map<String, Object> properties,
        Map<String, Object> attributes) {
}
