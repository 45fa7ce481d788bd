package io.leadscore.contracts;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * A fact about a lead, as published on {@link Topics#LEAD_EVENTS}. The envelope is versioned: consumers accept any
 * {@code schemaVersion} up to {@link #CURRENT_SCHEMA_VERSION} and ignore fields they do not know.
 *
 * @param properties describe the action (for example the page URL); values are scalars or arrays of scalars
 * @param attributes profile fields set by a {@code profile_updated} event; a {@code null} value removes the field
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeadEvent(
        int schemaVersion,
        String tenant,
        String eventId,
        String leadId,
        String type,
        @JsonDeserialize(using = FastInstantDeserializer.class) Instant occurredAt,
        @JsonDeserialize(using = FastInstantDeserializer.class) Instant receivedAt,
        Map<String, Object> properties,
        Map<String, Object> attributes) {

    public static final int CURRENT_SCHEMA_VERSION = 1;

    /** Event type that carries profile attributes. */
    public static final String PROFILE_UPDATED = "profile_updated";

    public String key() {
        return MessageKeys.leadKey(tenant, leadId);
    }
}
