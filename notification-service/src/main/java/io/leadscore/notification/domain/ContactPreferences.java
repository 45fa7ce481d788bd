package io.leadscore.notification.domain;

import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a rep wants to hear about each kind of alert. Webhook secrets are kept apart ({@link WebhookSecrets}) so this
 * record can be shown and logged freely.
 *
 * @param chatFormat {@code slack} (incoming-webhook JSON with blocks) or {@code teams} (Office 365 connector card)
 * @param channels per alert kind, the channels to push it to; a kind that is absent is only shown on the live stream
 * @param quietHours null when the rep has none
 * @param urgent kinds sent even during quiet hours
 */
public record ContactPreferences(
        String email,
        String phone,
        String chatWebhookUrl,
        String chatFormat,
        String webhookUrl,
        Map<AlertKind, Set<Channel>> channels,
        ZoneId timeZone,
        QuietHours quietHours,
        Set<AlertKind> urgent) {

    public static final String SLACK = "slack";
    public static final String TEAMS = "teams";

    public Set<Channel> channelsFor(AlertKind kind) {
        Set<Channel> set = channels.get(kind);
        return set == null ? EnumSet.noneOf(Channel.class) : set;
    }

    /** Until when an alert of {@code kind} arriving at {@code now} is held; empty to send it now. */
    public Optional<Instant> holdUntil(AlertKind kind, Instant now) {
        if (quietHours == null || urgent.contains(kind)) {
            return Optional.empty();
        }
        return quietHours.releaseAt(now, timeZone);
    }

    /** The address a channel delivers to, or null when the rep has none for it. */
    public String addressFor(Channel channel) {
        switch (channel) {
            case EMAIL :
                return email;
            case SMS :
                return phone;
            case CHAT :
                return chatWebhookUrl;
            default :
                return webhookUrl;
        }
    }
}
