package io.leadscore.scoring.engine.model;

import java.util.Objects;

/**
 * A named score range. A band starts at {@code from} (inclusive) and ends where the next band starts.
 *
 * @param from lower bound; {@code null} (allowed for the first band only) means no lower bound
 */
public record Band(String name, Double from) {

    public Band {
        Objects.requireNonNull(name, "name");
    }

    /** Whether a score reaches this band's lower bound. */
    public boolean admits(double score) {
        return from == null || from <= score;
    }
}
