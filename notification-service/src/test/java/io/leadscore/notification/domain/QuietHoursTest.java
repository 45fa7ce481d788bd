package io.leadscore.notification.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class QuietHoursTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final QuietHours NIGHT = new QuietHours(LocalTime.of(20, 0), LocalTime.of(7, 0));

    @Test
    void eveningIsHeldUntilNextMorningLocalTime() {
        // 21:30 in Berlin (CET, UTC+1) → released 07:00 Berlin next day = 06:00Z.
        assertEquals(Optional.of(Instant.parse("2026-01-16T06:00:00Z")),
                NIGHT.releaseAt(Instant.parse("2026-01-15T20:30:00Z"), BERLIN));
    }

    @Test
    void earlyMorningIsHeldUntilThatMorning() {
        assertEquals(Optional.of(Instant.parse("2026-01-15T06:00:00Z")),
                NIGHT.releaseAt(Instant.parse("2026-01-15T04:00:00Z"), BERLIN));
    }

    @Test
    void outsideTheWindowAndAtItsEndNothingIsHeld() {
        assertTrue(NIGHT.releaseAt(Instant.parse("2026-01-15T12:00:00Z"), BERLIN).isEmpty());
        assertTrue(NIGHT.releaseAt(Instant.parse("2026-01-15T06:00:00Z"), BERLIN).isEmpty(), "07:00 is the end");
        assertTrue(NIGHT.releaseAt(Instant.parse("2026-01-15T18:59:59Z"), BERLIN).isEmpty());
        assertTrue(NIGHT.releaseAt(Instant.parse("2026-01-15T19:00:00Z"), BERLIN).isPresent(), "20:00 is held");
    }

    @Test
    void aDaytimeWindowEndsTheSameDay() {
        QuietHours lunch = new QuietHours(LocalTime.of(12, 0), LocalTime.of(13, 0));
        assertEquals(Optional.of(Instant.parse("2026-07-01T13:00:00Z")),
                lunch.releaseAt(Instant.parse("2026-07-01T12:15:00Z"), ZoneId.of("UTC")));
    }

    @Test
    void daylightSavingChangesAreFollowed() {
        // The night of the spring change: 07:00 on 29 March 2026 in Berlin is already CEST (UTC+2).
        assertEquals(Optional.of(Instant.parse("2026-03-29T05:00:00Z")),
                NIGHT.releaseAt(Instant.parse("2026-03-28T22:00:00Z"), BERLIN));
        // A window ending inside the skipped hour (02:30 does not exist) ends when the clocks jump, at 03:30 CEST.
        QuietHours odd = new QuietHours(LocalTime.of(1, 0), LocalTime.of(2, 30));
        assertEquals(Optional.of(Instant.parse("2026-03-29T01:30:00Z")),
                odd.releaseAt(Instant.parse("2026-03-29T00:30:00Z"), BERLIN));
    }
}
