package io.leadscore.notification.contact;

import java.time.Instant;

import io.leadscore.notification.domain.ContactPreferences;
import io.leadscore.notification.domain.WebhookSecrets;

/** A rep's preferences as stored, with the secrets that sign their webhooks. */
public record StoredContact(String tenant, String repId, ContactPreferences preferences, WebhookSecrets secrets,
        Instant updatedAt) {
}
