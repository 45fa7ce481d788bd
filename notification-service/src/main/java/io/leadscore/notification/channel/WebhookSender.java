package io.leadscore.notification.channel;

import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.notification.domain.Alert;
import io.leadscore.notification.domain.AlertContent;
import io.leadscore.notification.domain.Channel;
import io.leadscore.notification.domain.SendResult;
import io.leadscore.notification.domain.WebhookSigner;
import io.smallrye.mutiny.Uni;

/**
 * JSON POSTs signed per Standard Webhooks: {@code webhook-id} is the delivery's idempotency key (the same on every
 * attempt, so receivers can de-duplicate), {@code webhook-timestamp} the attempt's time in epoch seconds, and
 * {@code webhook-signature} one {@code v1,} signature per active secret.
 */
@ApplicationScoped
public class WebhookSender implements Sender {

    private final HttpPoster http;

    public WebhookSender(HttpPoster http) {
        this.http = http;
    }

    @Override
    public Channel channel() {
        return Channel.WEBHOOK;
    }

    /** Every endpoint is its own provider: one receiver's outage never opens the breaker for another's. */
    @Override
    public String provider(OutgoingMessage message) {
        return "webhook:" + message.contact().preferences().webhookUrl();
    }

    @Override
    public Uni<SendResult> send(OutgoingMessage m) {
        List<String> secrets = m.contact().secrets().active(m.now());
        if (secrets.isEmpty()) {
            return Uni.createFrom().item(SendResult.permanentFailure("not sent: the rep has no webhook secret"));
        }
        String body = body(m);
        long timestamp = m.now().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("webhook-id", m.idempotencyKey());
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", WebhookSigner.signatureHeader(secrets, m.idempotencyKey(), timestamp, body));
        return http.postToRepUrl(m.contact().preferences().webhookUrl(), m.withTraceHeaders(headers), "application/json",
                body)
                .chain(Sender::settle);
    }

    /** The rules behind a score as data, for receivers that show or store them their own way. */
    private static List<Map<String, Object>> contributions(Alert.Score score) {
        return score.reasons().stream().map(r -> {
            Map<String, Object> reason = new LinkedHashMap<>();
            reason.put("ruleId", r.ruleId());
            reason.put("label", r.label());
            reason.put("count", r.count());
            reason.put("points", r.points());
            reason.put("text", AlertContent.ruleReason(r));
            return reason;
        }).toList();
    }

    /** {@code {"type": "lead.alert.<kind>", "timestamp", "data": {...}}}, the Standard Webhooks payload shape. */
    static String body(OutgoingMessage m) {
        Alert a = m.alert();
        AlertContent c = m.content();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("idempotencyKey", m.idempotencyKey());
        data.put("kind", c.kind());
        data.put("title", c.headline());
        data.put("leadId", a.leadId());
        data.put("leadName", c.leadName());
        data.put("repId", a.repId());
        data.put("stage", a.stage());
        data.put("fromStage", a.fromStage());
        data.put("ownerRepId", a.ownerRepId());
        data.put("previousOwnerRepId", a.previousOwnerRepId());
        data.put("teamId", a.teamId());
        data.put("scores", c.scores().stream().map(s -> {
            Map<String, Object> score = new LinkedHashMap<>();
            score.put("modelId", s.modelId());
            score.put("score", a.scores().stream().filter(x -> x.modelId().equals(s.modelId())).findFirst()
                    .map(Alert.Score::score).orElse(null));
            score.put("band", s.band());
            score.put("explanationUrl", s.explanationUrl());
            score.put("topContributions", a.scores().stream().filter(x -> x.modelId().equals(s.modelId()))
                    .findFirst().map(WebhookSender::contributions).orElse(List.of()));
            return score;
        }).toList());
        data.put("reasons", c.reasons());
        data.put("slaDeadline", a.slaDeadline());
        data.put("occurredAt", a.occurredAt());
        data.put("link", c.link());
        data.values().removeIf(v -> v == null);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", "lead.alert." + c.kind());
        payload.put("timestamp", m.now().truncatedTo(ChronoUnit.MILLIS));
        payload.put("data", data);
        try {
            return ContractsJson.mapper().writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
