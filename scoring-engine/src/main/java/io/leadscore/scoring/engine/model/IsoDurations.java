package io.leadscore.scoring.engine.model;

import java.time.Duration;
import java.time.Period;
import java.time.format.DateTimeParseException;

/** ISO-8601 durations as model authors write them: {@code PT12H}, {@code P30D}, {@code P2W}. */
public final class IsoDurations {

    private static final long SECONDS_PER_DAY = 86_400;

    private IsoDurations() {
    }

    /**
     * Parses {@code PnDTnHnMn.nS} and, for convenience, week periods ({@code P2W}). Months and years are rejected:
     * their length depends on the calendar, which would make decay depend on the date.
     *
     * @throws DateTimeParseException when the text is not such a duration
     */
    public static Duration parse(String text) {
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException notADuration) {
            Period period;
            try {
                period = Period.parse(text);
            } catch (DateTimeParseException notAPeriod) {
                throw notADuration;
            }
            if (period.getYears() != 0 || period.getMonths() != 0) {
                throw new DateTimeParseException("months and years have no fixed length; use days or weeks", text, 0);
            }
            return Duration.ofDays(period.getDays());
        }
    }

    /** Whole days as {@code P7D} (how authors write them), anything else in {@link Duration#toString()} form. */
    public static String format(Duration duration) {
        if (duration.getNano() == 0 && duration.getSeconds() % SECONDS_PER_DAY == 0 && !duration.isZero()) {
            return "P" + duration.getSeconds() / SECONDS_PER_DAY + "D";
        }
        return duration.toString();
    }
}
