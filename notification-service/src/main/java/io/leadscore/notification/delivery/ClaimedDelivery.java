package io.leadscore.notification.delivery;

import java.time.Instant;

import io.leadscore.notification.domain.Alert;
import io.leadscore.notification.domain.Channel;

/**
 * A pending delivery this replica has leased and is about to send.
 *
 * @param traceparent the W3C trace context of the routing message behind it, continued by the send (may be null)
 */
public record ClaimedDelivery(long id, String tenant, String idempotencyKey, long alertId, String repId,
        Channel channel, int attempts, boolean quotaCounted, Instant createdAt, Alert alert, String traceparent) {
}
