package io.leadscore.routing.lead;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** "Now" at the precision PostgreSQL stores, so what is decided in memory equals what is read back. */
public final class Clocks {

    private Clocks() {
    }

    public static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
