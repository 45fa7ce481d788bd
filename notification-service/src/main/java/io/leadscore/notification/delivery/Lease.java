package io.leadscore.notification.delivery;

import java.time.Instant;

/**
 * A delivery leased for sending, with the lease's end exactly as the database stored it. Only the holder of this very
 * lease may start the send: once it has run out, another replica's worker may lease the row again with a later end, and
 * a send started under the old one would reach the rep twice.
 */
public record Lease(long deliveryId, Instant until) {
}
