package io.leadscore.routing.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * A lead's lifecycle stage. The first three are decided by the routing policy from scores, in the order
 * {@code nurture < mql < sql}; the others are sales outcomes, set only by feedback.
 */
public enum Stage {
    NURTURE(0), MQL(1), SQL(2), ACCEPTED(-1), REJECTED(-1), CONVERTED(-1), LOST(-1);

    private final int rank;

    Stage(int rank) {
        this.rank = rank;
    }

    /** Position in {@code nurture < mql < sql}; -1 for the sales outcomes. */
    public int rank() {
        return rank;
    }

    /** Decided by policy rules from scores. */
    public boolean isQualification() {
        return rank >= 0;
    }

    /** Needs an owner who must follow up: {@code mql} and {@code sql}. */
    public boolean needsOwner() {
        return this == MQL || this == SQL;
    }

    /** Counts against the owner's capacity: {@code mql}, {@code sql} and {@code accepted}. */
    public boolean isOpen() {
        return this == MQL || this == SQL || this == ACCEPTED;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Stage> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (Stage s : values()) {
            if (s.wire().equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public static Stage of(String value) {
        return parse(value).orElseThrow(() -> new IllegalArgumentException("unknown stage " + value));
    }
}
