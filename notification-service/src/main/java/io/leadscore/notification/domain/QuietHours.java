package io.leadscore.notification.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A daily window, in the rep's time zone, in which non-urgent alerts are held. {@code from} after {@code to} spans
 * midnight (20:00–07:00). The end is exclusive: at exactly {@code to} the window is over.
 */
public record QuietHours(LocalTime from, LocalTime to) {

    public QuietHours {
        if (from.equals(to)) {
            throw new IllegalArgumentException("quiet hours must not start and end at the same time");
        }
    }

    public boolean contains(LocalTime t) {
        if (from.isBefore(to)) {
            return !t.isBefore(from) && t.isBefore(to);
        }
        return !t.isBefore(from) || t.isBefore(to);
    }

    /**
     * When an alert arriving at {@code now} may be sent: empty when {@code now} is outside the window, else the instant
     * the window ends. Daylight-saving gaps move the end forward, as a wall clock would.
     */
    public Optional<Instant> releaseAt(Instant now, ZoneId zone) {
        ZonedDateTime local = now.atZone(zone);
        LocalTime t = local.toLocalTime();
        if (!contains(t)) {
            return Optional.empty();
        }
        LocalDate endDate = local.toLocalDate();
        if (!t.isBefore(to)) {
            // In the evening part of an overnight window: it ends tomorrow morning.
            endDate = endDate.plusDays(1);
        }
        Instant end = ZonedDateTime.of(endDate, to, zone).toInstant();
        return Optional.of(end.isAfter(now) ? end : now);
    }
}
