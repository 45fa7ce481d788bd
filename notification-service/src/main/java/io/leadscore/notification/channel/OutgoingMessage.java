package io.leadscore.notification.channel;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.leadscore.contracts.MessageHeaders;
import io.leadscore.notification.contact.StoredContact;
import io.leadscore.notification.domain.Alert;
import io.leadscore.notification.domain.AlertContent;
import io.leadscore.notification.domain.Channel;

/**
 * One attempt to deliver one alert on one channel.
 *
 * @param idempotencyKey stable across attempts; webhooks send it as {@code webhook-id}
 * @param attempt 1-based number of this attempt
 * @param traceparent the W3C trace context of this attempt's span, sent with the message so the provider's side joins
 *        the lead's trace (null when tracing is off)
 */
public record OutgoingMessage(long deliveryId, String idempotencyKey, int attempt, Channel channel, Alert alert,
        AlertContent content, StoredContact contact, Instant now, String traceparent) {

    /** {@code headers} plus this attempt's {@code traceparent}, for an HTTP request to a provider. */
    public Map<String, String> withTraceHeaders(Map<String, String> headers) {
        if (traceparent == null) {
            return headers;
        }
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(MessageHeaders.TRACEPARENT, traceparent);
        return all;
    }
}
