package io.leadscore.ingest.events;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "leadscore.ingest")
public interface IngestLimits {

    /** Events per request on {@code POST /v1/events}. */
    @WithDefault("1000")
    int maxEventsPerRequest();

    /** Request body size on {@code POST /v1/events}. */
    @WithDefault("1048576")
    int maxBodyBytes();

    /** Serialized size of one event. */
    @WithDefault("8192")
    int maxEventBytes();

    /** Keys in {@code properties} and in {@code attributes}. */
    @WithDefault("64")
    int maxKeys();

    /** How far in the future {@code occurredAt} may lie (clock skew allowance). */
    @WithDefault("PT5M")
    Duration maxFutureSkew();

    /** How long a (tenant, eventId) is remembered to recognise a resend. */
    @WithDefault("PT24H")
    Duration dedupeWindow();

    /** Upper bound of remembered event ids, so the window's memory stays bounded. */
    @WithDefault("5000000")
    long dedupeMaxEntries();
}
