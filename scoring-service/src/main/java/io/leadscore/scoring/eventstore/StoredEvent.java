package io.leadscore.scoring.eventstore;

import java.time.Instant;

/** One fact as stored in a lead's stream. {@code payload} is the JSON envelope as received. */
public record StoredEvent(String tenant, String leadId, String eventId, String type, Instant occurredAt,
        Instant receivedAt, String payload) {
}
