package io.leadscore.notification.delivery;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.contracts.MessageHeaders;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * One span per delivery attempt ({@code deliver <channel>}), continuing the trace of the routing message the alert came
 * from: deliveries are stored and sent after the commit, often on another thread, a retry or a replica later, so the
 * parent is the {@code traceparent} kept with the delivery row, not whatever is current. Attributes name the tenant,
 * channel, alert kind, delivery id, attempt and outcome; never addresses, URLs, secrets or message bodies.
 */
@ApplicationScoped
public class DeliveryTracing {

    public static final AttributeKey<String> TENANT = AttributeKey.stringKey("leadscore.tenant");
    public static final AttributeKey<String> CHANNEL = AttributeKey.stringKey("leadscore.delivery.channel");
    public static final AttributeKey<String> KIND = AttributeKey.stringKey("leadscore.alert.kind");
    public static final AttributeKey<Long> DELIVERY_ID = AttributeKey.longKey("leadscore.delivery.id");
    public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("leadscore.delivery.attempt");
    /**
     * {@code delivered}, {@code retry} or {@code failed} after a provider call (as in the delivery log);
     * {@code failed} without one (no contact, quota), {@code held} (quiet hours) or {@code rescheduled} (busy tenant,
     * full bulkhead, open circuit breaker).
     */
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("leadscore.delivery.outcome");

    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;

    public DeliveryTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Starts the attempt's span, a child of the stored trace context (a new trace when there is none). */
    public Span start(ClaimedDelivery d) {
        Context parent = Context.root();
        if (d.traceparent() != null) {
            parent = W3CTraceContextPropagator.getInstance().extract(parent,
                    Map.of(MessageHeaders.TRACEPARENT, d.traceparent()), GETTER);
        }
        return tracer.spanBuilder("deliver " + d.channel().wire())
                .setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(TENANT, d.tenant())
                .setAttribute(CHANNEL, d.channel().wire())
                .setAttribute(KIND, d.alert().kind().wire())
                .setAttribute(DELIVERY_ID, d.id())
                .setAttribute(ATTEMPT, (long) d.attempts() + 1)
                .startSpan();
    }

    /** The span's W3C {@code traceparent}, for the outgoing message; null when the span is not valid (tracing off). */
    public static String traceparent(Span span) {
        if (!span.getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), carrier, Map::put);
        return carrier.get(MessageHeaders.TRACEPARENT);
    }

    /** Records what became of the attempt; a failed delivery marks the span as an error. */
    public static void outcome(Span span, String outcome) {
        span.setAttribute(OUTCOME, outcome);
        if ("failed".equals(outcome) || "retry".equals(outcome)) {
            span.setStatus(StatusCode.ERROR, "delivery " + outcome);
        }
    }

    /** Ends the span; a processing failure (not a provider's answer) is recorded on it. */
    public static void end(Span span, Throwable failure) {
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
        }
        span.end();
    }
}
