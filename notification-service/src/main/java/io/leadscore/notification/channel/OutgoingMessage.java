package io.leadscore.notification.channel;

import java.time.Instant;

import io.leadscore.notification.contact.StoredContact;
import io.leadscore.notification.domain.Alert;
import io.leadscore.notification.domain.AlertContent;
import io.leadscore.notification.domain.Channel;

/**
 * One attempt to deliver one alert on one channel.
 *
 * @param idempotencyKey stable across attempts; webhooks send it as {@code webhook-id}
 * @param attempt 1-based number of this attempt
 */
public record OutgoingMessage(long deliveryId, String idempotencyKey, int attempt, Channel channel, Alert alert,
        AlertContent content, StoredContact contact, Instant now) {
}
