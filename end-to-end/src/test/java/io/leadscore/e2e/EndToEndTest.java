package io.leadscore.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.mail.internet.MimeMessage;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.contracts.MessageHeaders;
import io.leadscore.contracts.Topics;
import io.leadscore.testing.KafkaBroker;
import io.leadscore.testing.Tokens;

/**
 * One lead's journey through all four services on the real broker and database: events posted to ingest are scored,
 * the lead becomes hot and is routed to MQL with an owner, and the owner is alerted by an e-mail that a real SMTP
 * server receives and a signed webhook that a real HTTP server receives — all within one trace, whose spans every
 * service exports to an OTLP receiver in the test. Then the lead's score decays below hot and routing moves it down.
 */
class EndToEndTest {

    static final String TENANT = "e2e";
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("e2e-webhook-secret-0123456789".getBytes());
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static GreenMail smtp;
    static WireMockServer receiver;
    static Platform platform;
    static String admin;

    @BeforeAll
    static void startEverything() throws Exception {
        int smtpPort = Platform.freePort();
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        smtp.start();
        receiver = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        receiver.start();
        receiver.stubFor(WireMock.any(WireMock.anyUrl()).willReturn(WireMock.aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"sid\":\"SM1\",\"status\":\"queued\"}")));
        platform = Platform.start(Map.of(
                "scoring", Map.of("LEADSCORE_SCORING_DECAY_CHECK_INTERVAL", "1s"),
                "notification", Map.of(
                        "QUARKUS_MAILER_HOST", "127.0.0.1",
                        "QUARKUS_MAILER_PORT", String.valueOf(smtpPort),
                        "QUARKUS_MAILER_START_TLS", "DISABLED",
                        "QUARKUS_MAILER_TLS", "false",
                        "QUARKUS_MAILER_MOCK", "false",
                        "LEADSCORE_NOTIFICATION_ALLOW_INSECURE_LOOPBACK", "true",
                        "LEADSCORE_NOTIFICATION_SECRETS_KEYS", "e2e1:" + randomKey(),
                        "LEADSCORE_NOTIFICATION_SMS_BASE_URL", receiver.baseUrl())));
        admin = Tokens.token(TENANT, "ingest", "read", "admin");
    }

    /** 32 random bytes in base64: a sealing key for reps' contact secrets that lives as long as this run. */
    private static String randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    @AfterAll
    static void stopEverything() {
        if (receiver != null) {
            receiver.stop();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void eventsBecomeAnAlertByEmailAndSignedWebhookWithinOneTrace() throws Exception {
        put("scoring", "/v1/models/engagement", """
                {"name": "Engagement", "halfLife": "PT20S", "cap": 100,
                 "bands": [{"name": "cold", "from": null}, {"name": "warm", "from": 21}, {"name": "hot", "from": 50}],
                 "rules": [{"id": "demo", "label": "Requested a demo", "event": "demo_request", "points": 40},
                           {"id": "pricing-page", "label": "Viewed pricing", "event": "page_view",
                            "where": [{"property": "url", "op": "contains", "value": "/pricing"}], "points": 15}]}
                """);
        put("routing", "/v1/routing/policy", """
                {"rules": [{"id": "mql-hot", "stage": "mql", "when": {"any": [{"model": "engagement", "band": "hot"}]}}],
                 "default": "nurture", "hysteresis": {"margin": 0, "dwell": "PT1S"}, "alertStages": ["mql", "sql"]}
                """);
        put("routing", "/v1/teams/inside", "{\"name\": \"Inside sales\", \"default\": true}");
        put("routing", "/v1/reps/rep-1", "{\"name\": \"Rita Rep\", \"team\": \"inside\", \"capacity\": 10}");
        put("notification", "/v1/reps/rep-1/contact", """
                {"email": "rita@example.org", "webhookUrl": "%s/hooks/crm", "webhookSecret": "%s",
                 "channels": {"mql": ["email", "webhook"], "sql": ["email", "webhook"]}, "timeZone": "UTC"}
                """.formatted(receiver.baseUrl(), SECRET));

        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String traceparent = "00-" + traceId + "-00f067aa0ba902b7-01";
        Instant now = Instant.now();
        HttpResponse<String> accepted = send("ingest", HttpRequest.newBuilder(URI.create(platform.url("ingest")
                + "/v1/events")).header("Content-Type", "application/json").header("traceparent", traceparent)
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"events": [
                          {"eventId": "e2e-1", "leadId": "lead-42", "type": "demo_request", "occurredAt": "%s"},
                          {"eventId": "e2e-2", "leadId": "lead-42", "type": "page_view", "occurredAt": "%s",
                           "properties": {"url": "https://example.com/pricing"}}]}
                        """.formatted(now, now))));
        assertEquals(202, accepted.statusCode(), accepted.body());

        // Score and band.
        await().atMost(Duration.ofSeconds(30)).until(() -> get("scoring", "/v1/leads/lead-42/scores").path(0)
                .path("band").asText().equals("hot"));
        // Stage and owner, read from the lead's recorded transitions: with a 20 s half-life the lead is hot for only
        // about 2.7 s after its events occurred, so on a loaded machine its *current* stage may already be nurture
        // again by the time it is polled.
        JsonNode toMql = await().atMost(Duration.ofSeconds(30)).until(() -> mqlTransition(), t -> t != null);
        assertEquals("rep-1", toMql.path("ownerRepId").asText(), toMql.toString());

        // The e-mail, received over SMTP.
        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.getReceivedMessages().length >= 1);
        MimeMessage mail = smtp.getReceivedMessages()[0];
        assertEquals("rita@example.org", mail.getAllRecipients()[0].toString());
        String whole = GreenMailUtil.getWholeMessage(mail);
        assertTrue(whole.contains("lead-42"), whole);
        // The reasons in the model's own words, carried from scoring's top contributions through routing.
        assertTrue(whole.contains("Requested a demo (+"), whole);
        assertTrue(whole.contains("Viewed pricing (+"), whole);

        // The signed webhook, received over HTTP, verified independently.
        await().atMost(Duration.ofSeconds(30)).until(() -> !webhooks().isEmpty());
        LoggedRequest hook = webhooks().get(0);
        String id = hook.getHeader("webhook-id");
        String timestamp = hook.getHeader("webhook-timestamp");
        String expected = "v1," + hmac(SECRET, id + "." + timestamp + "." + hook.getBodyAsString());
        assertTrue(List.of(hook.getHeader("webhook-signature").split(" ")).contains(expected),
                "signature " + hook.getHeader("webhook-signature") + " does not verify");
        assertTrue(hook.getBodyAsString().contains("lead-42"));
        assertTrue(hook.getBodyAsString().contains("\"ruleId\":\"demo\",\"label\":\"Requested a demo\""),
                hook.getBodyAsString());

        // One trace from the ingest request onwards: the W3C trace context travels with the event through every
        // topic (lead-events → score-changes → leads.mql), then with the stored deliveries to the outside world.
        for (String topic : List.of(Topics.LEAD_EVENTS, Topics.SCORE_CHANGES, Topics.LEADS_MQL)) {
            assertTrue(traceparentsOn(topic, traceId).stream().anyMatch(t -> t.contains(traceId)),
                    topic + " carries the ingest request's trace id");
        }
        // Every service exported spans of that trace, and the webhook request and the e-mail each name a notification
        // "deliver <channel>" span of it as their parent.
        String hookTrace = hook.getHeader(MessageHeaders.TRACEPARENT);
        String mailTrace = mail.getHeader(MessageHeaders.TRACEPARENT) == null
                ? null
                : mail.getHeader(MessageHeaders.TRACEPARENT)[0];
        for (String sent : new String[]{hookTrace, mailTrace}) {
            assertTrue(sent != null && sent.matches("00-" + traceId + "-[0-9a-f]{16}-01"),
                    "a delivered message continues the ingest request's trace: " + sent);
        }
        List<String> services = List.of("ingest-service", "scoring-service", "routing-service", "notification-service");
        List<OtlpReceiver.ExportedSpan> trace;
        try {
            trace = await().atMost(Duration.ofSeconds(15)).until(() -> platform.spans.trace(traceId), spans -> spans
                    .stream().map(OtlpReceiver.ExportedSpan::service).toList().containsAll(services)
                    && spanNamedBy(spans, hookTrace) != null && spanNamedBy(spans, mailTrace) != null);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("spans of " + services + " and the delivery spans; received "
                    + platform.spans.trace(traceId), e);
        }
        for (String[] delivery : new String[][]{{hookTrace, "webhook"}, {mailTrace, "email"}}) {
            OtlpReceiver.ExportedSpan span = spanNamedBy(trace, delivery[0]);
            assertEquals("notification-service", span.service(), trace.toString());
            assertEquals("deliver " + delivery[1], span.name(), trace.toString());
            Map<String, String> attributes = span.attributes();
            assertEquals(TENANT, attributes.get("leadscore.tenant"), span.toString());
            assertEquals(delivery[1], attributes.get("leadscore.delivery.channel"), span.toString());
            assertEquals("mql", attributes.get("leadscore.alert.kind"), span.toString());
            assertEquals("delivered", attributes.get("leadscore.delivery.outcome"), span.toString());
            assertTrue(String.valueOf(attributes.get("leadscore.delivery.id")).matches("\\d+"), span.toString());
        }

        JsonNode log = get("notification", "/v1/notifications?leadId=lead-42");
        assertTrue(log.toString().contains("\"delivered\""), log.toString());

        // Decay takes the lead below hot (55 → 49.9 in about 2.7 s); the decay check publishes it and routing moves
        // the lead down to nurture.
        await().atMost(Duration.ofSeconds(40)).until(() -> get("routing", "/v1/leads/lead-42/stage").path("stage")
                .asText().equals("nurture"));
        JsonNode history = get("scoring", "/v1/leads/lead-42/scores/engagement/history");
        assertTrue(history.toString().contains("\"decay\""), history.toString());
    }

    /** lead-42's recorded transition into mql, or null while there is none. */
    JsonNode mqlTransition() throws Exception {
        for (JsonNode t : get("routing", "/v1/leads/lead-42/stage").path("history")) {
            if ("mql".equals(t.path("toStage").asText())) {
                return t;
            }
        }
        return null;
    }

    /** The span whose id a W3C traceparent names as the parent, or null. */
    static OtlpReceiver.ExportedSpan spanNamedBy(List<OtlpReceiver.ExportedSpan> spans, String traceparent) {
        String[] parts = traceparent.split("-");
        return spans.stream().filter(s -> s.traceId().equals(parts[1]) && s.spanId().equals(parts[2])).findFirst()
                .orElse(null);
    }

    /** The traceparent headers of every record about lead-42 on a topic. */
    static List<String> traceparentsOn(String topic, String traceId) {
        List<String> found = new java.util.ArrayList<>();
        try (var consumer = KafkaBroker.consumer(topic)) {
            long deadline = System.currentTimeMillis() + 5000;
            while (System.currentTimeMillis() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    var header = r.headers().lastHeader(MessageHeaders.TRACEPARENT);
                    if (r.key().equals(TENANT + "/lead-42") && header != null) {
                        found.add(new String(header.value(), StandardCharsets.UTF_8));
                    }
                }
                if (found.stream().anyMatch(t -> t.contains(traceId))) {
                    break;
                }
            }
        }
        return found;
    }

    static List<LoggedRequest> webhooks() {
        return receiver.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo("/hooks/crm")));
    }

    static String hmac(String secret, String content) throws Exception {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    }

    static void put(String service, String path, String body) throws Exception {
        HttpResponse<String> r = send(service, HttpRequest.newBuilder(URI.create(platform.url(service) + path))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)));
        assertTrue(r.statusCode() == 200 || r.statusCode() == 201, "PUT " + path + " → " + r.statusCode() + " "
                + r.body());
    }

    static JsonNode get(String service, String path) throws Exception {
        HttpResponse<String> r = send(service, HttpRequest.newBuilder(URI.create(platform.url(service) + path)).GET());
        return r.statusCode() == 200 ? ContractsJson.mapper().readTree(r.body()) : ContractsJson.mapper().createObjectNode();
    }

    static HttpResponse<String> send(String service, HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.header("Authorization", "Bearer " + admin).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
