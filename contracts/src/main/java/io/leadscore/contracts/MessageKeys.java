package io.leadscore.contracts;

/**
 * Kafka record keys. Every message about a lead is keyed by tenant and lead id, so one lead's messages stay ordered on one
 * partition.
 */
public final class MessageKeys {

    /** Tenant ids are restricted to {@code [a-z0-9][a-z0-9-]*}, so this separator can never be part of one. */
    public static final char SEPARATOR = '/';

    private MessageKeys() {
    }

    public static String leadKey(String tenant, String leadId) {
        return tenant + SEPARATOR + leadId;
    }
}
