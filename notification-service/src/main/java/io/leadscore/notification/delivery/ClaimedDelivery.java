package io.leadscore.notification.delivery;

import java.time.Instant;

import io.leadscore.notification.domain.Alert;
import io.leadscore.notification.domain.Channel;

/** A pending delivery this replica has leased and is about to send. */
public record ClaimedDelivery(long id, String tenant, String idempotencyKey, long alertId, String repId,
        Channel channel, int attempts, boolean quotaCounted, Instant createdAt, Alert alert) {
}
