package io.leadscore.notification.delivery;

import java.time.Instant;

import io.leadscore.notification.domain.Alert;
import io.leadscore.notification.domain.Channel;

/**
 * A delivery to insert for a new alert.
 *
 * @param lockedUntil set when this replica sends it right after the commit; null when it is held for quiet hours
 * @param traceparent the W3C trace context of the routing message behind the alert (null when it carried none)
 */
public record NewDelivery(long alertId, Alert alert, Channel channel, Instant nextAttemptAt, Instant lockedUntil,
        String reason, String traceparent) {

    public NewDelivery(long alertId, Alert alert, Channel channel, Instant nextAttemptAt, Instant lockedUntil,
            String reason) {
        this(alertId, alert, channel, nextAttemptAt, lockedUntil, reason, null);
    }
}
