package io.leadscore.scoring.projection;

/**
 * A {@code ScoreChanged} written to the outbox in the current transaction: once that commits it is sent from memory,
 * and its row, kept only so a crash cannot lose it, is deleted after the broker acknowledged it.
 */
public record OutboxMessage(long id, String key, String payload, String traceparent) {
}
