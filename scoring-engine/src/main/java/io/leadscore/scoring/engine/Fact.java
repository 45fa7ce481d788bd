package io.leadscore.scoring.engine;

import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened to a lead, as far as scoring is concerned.
 *
 * @param properties describe the action (for example the page URL); never null, possibly empty
 * @param attributes profile fields set by a {@value #PROFILE_UPDATED} fact, {@code null} otherwise; a {@code null}
 *        value removes the field from the profile
 */
public record Fact(String eventId, String type, Instant occurredAt, Map<String, Object> properties,
        Map<String, Object> attributes) {

    public static final String PROFILE_UPDATED = "profile_updated";

    /**
     * The instants a fact may occur at, and a score be asked for: years 1 to 9999. Far beyond them a fact's age no
     * longer fits the decay arithmetic, and PostgreSQL cannot store the instant either.
     */
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    /** The order of the event log: by time, ties broken by event id, so that arrival order never matters. */
    public static final Comparator<Fact> LOG_ORDER = Comparator.comparing(Fact::occurredAt)
            .thenComparing(Fact::eventId);

    public Fact {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        type = CanonicalStrings.of(type);
        // Compact copies (not Map.copyOf, which rejects the null values that mean "remove this attribute"): a busy
        // lead's facts stay in memory between its events.
        properties = properties == null ? CompactMap.copyOf(Map.of()) : CompactMap.copyOf(properties);
        attributes = attributes == null ? null : CompactMap.copyOf(attributes);
    }

    public static Fact event(String eventId, String type, Instant occurredAt, Map<String, Object> properties) {
        return new Fact(eventId, type, occurredAt, properties, null);
    }

    public static Fact profileUpdate(String eventId, Instant occurredAt, Map<String, Object> attributes) {
        return new Fact(eventId, PROFILE_UPDATED, occurredAt, Map.of(), attributes);
    }

    public boolean isProfileUpdate() {
        return PROFILE_UPDATED.equals(type) && attributes != null;
    }
}
