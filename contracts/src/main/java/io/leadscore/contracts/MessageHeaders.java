package io.leadscore.contracts;

/** Kafka header names carried by every message. */
public final class MessageHeaders {

    /** W3C trace context, so one trace follows an event through every service. */
    public static final String TRACEPARENT = "traceparent";
    /** Schema version of the JSON value, also present inside the value. */
    public static final String SCHEMA_VERSION = "leadscore-schema-version";
    /** On dead-lettered records: why the record could not be handled. */
    public static final String DEAD_LETTER_REASON = "dead-letter-reason";

    private MessageHeaders() {
    }
}
