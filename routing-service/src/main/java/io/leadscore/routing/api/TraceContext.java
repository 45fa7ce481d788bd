package io.leadscore.routing.api;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/** The W3C traceparent of the current span, for messages caused by an HTTP request or a timer. */
public final class TraceContext {

    private TraceContext() {
    }

    /** The current span's traceparent, or {@code fallback} when there is no valid current span. */
    public static String current(String fallback) {
        SpanContext c = Span.current().getSpanContext();
        if (!c.isValid()) {
            return fallback;
        }
        return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
    }
}
