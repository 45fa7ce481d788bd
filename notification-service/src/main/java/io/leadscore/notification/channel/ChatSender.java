package io.leadscore.notification.channel;

import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.notification.domain.AlertContent;
import io.leadscore.notification.domain.Channel;
import io.leadscore.notification.domain.ContactPreferences;
import io.leadscore.notification.domain.SendResult;
import io.smallrye.mutiny.Uni;

/**
 * Chat through incoming webhooks: Slack-compatible JSON ({@code text} as the notification fallback plus Block Kit
 * {@code blocks}) or, when the rep chose {@code teams}, an Office 365 connector card.
 */
@ApplicationScoped
public class ChatSender implements Sender {

    private final HttpPoster http;
    private final AlertRenderer renderer;

    public ChatSender(HttpPoster http, AlertRenderer renderer) {
        this.http = http;
        this.renderer = renderer;
    }

    @Override
    public Channel channel() {
        return Channel.CHAT;
    }

    /** The chat service is the provider: every rep's Slack webhooks share one host, and its health. */
    @Override
    public String provider(OutgoingMessage message) {
        try {
            URI uri = URI.create(message.contact().preferences().chatWebhookUrl());
            return "chat:" + uri.getHost() + ":" + uri.getPort();
        } catch (IllegalArgumentException e) {
            return "chat:invalid";
        }
    }

    @Override
    public Uni<SendResult> send(OutgoingMessage m) {
        ContactPreferences p = m.contact().preferences();
        Object payload = ContactPreferences.TEAMS.equals(p.chatFormat()) ? teams(m.content()) : slack(m.content());
        String body;
        try {
            body = ContractsJson.mapper().writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return http.postToRepUrl(p.chatWebhookUrl(), m.withTraceHeaders(Map.of()), "application/json", body)
                .chain(Sender::settle);
    }

    Map<String, Object> slack(AlertContent c) {
        String text = renderer.slack(c);
        return Map.of(
                // The notification's text is mrkdwn too: lead data in it is escaped as in the blocks.
                "text", TemplateExtensions.slack(c.headline()),
                "blocks", List.of(
                        Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", text)),
                        Map.of("type", "actions", "elements", List.of(Map.of(
                                "type", "button",
                                "text", Map.of("type", "plain_text", "text", "Why this lead?"),
                                "url", c.link())))));
    }

    Map<String, Object> teams(AlertContent c) {
        return Map.of(
                "@type", "MessageCard",
                "@context", "https://schema.org/extensions",
                "summary", c.headline(),
                "title", c.headline(),
                "text", renderer.teams(c),
                "potentialAction", List.of(Map.of(
                        "@type", "OpenUri",
                        "name", "Why this lead?",
                        "targets", List.of(Map.of("os", "default", "uri", c.link())))));
    }
}
