package io.leadscore.scoring.rebuild;

import java.time.Instant;

/** Progress of a projection rebuild: counts, rate and an estimate of the time left. */
public record RebuildStatus(String id, String status, long leadsDone, long leadsTotal, long eventsDone,
        long eventsTotal, double eventsPerSecond, Long etaSeconds, Instant startedAt, Instant finishedAt, String error) {

    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
}
