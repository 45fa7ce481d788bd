package io.leadscore.routing.outbox;

/** One message waiting in the outbox ({@code id} is 0 before it is stored). */
public record OutboxMessage(long id, String topic, String key, String payload, int schemaVersion, String traceparent) {

    public static OutboxMessage of(String topic, String key, String payload, int schemaVersion, String traceparent) {
        return new OutboxMessage(0, topic, key, payload, schemaVersion, traceparent);
    }
}
