package io.leadscore.ingest.imports;

import java.time.Instant;
import java.util.List;

import io.leadscore.ingest.events.EventProblem;

/**
 * Progress and outcome of a bulk import. {@code errors} holds the first rejected lines (by line number in
 * {@code index}); {@code rejected} counts them all.
 */
public record ImportStatus(String importId, String status, Instant startedAt, Instant updatedAt, Instant finishedAt,
        long lines, long accepted, long duplicates, long rejected, List<EventProblem> errors) {

    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
}
