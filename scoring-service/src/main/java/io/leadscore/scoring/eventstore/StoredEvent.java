package io.leadscore.scoring.eventstore;

import java.time.Instant;

/**
 * One fact as stored in a lead's stream. {@code payload} is the JSON envelope as received; {@code traceparent} the W3C
 * trace context it arrived with (not stored), so the score change it causes continues the same trace.
 */
public record StoredEvent(String tenant, String leadId, String eventId, String type, Instant occurredAt,
        Instant receivedAt, String payload, String traceparent) {
}
