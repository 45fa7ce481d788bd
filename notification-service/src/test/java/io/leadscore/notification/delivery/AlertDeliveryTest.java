package io.leadscore.notification.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import jakarta.inject.Inject;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.contracts.LeadStageChanged;
import io.leadscore.contracts.Topics;
import io.leadscore.notification.NotificationFixtures;
import io.leadscore.notification.NotificationTestInfra;
import io.leadscore.notification.StandardWebhooksVerifier;
import io.leadscore.notification.TestClock;
import io.leadscore.notification.contact.TenantSettingsStore;
import io.leadscore.notification.domain.Alert;
import io.leadscore.notification.domain.AlertDecider;
import io.leadscore.notification.domain.Channel;
import io.leadscore.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Routing messages produced on the real broker become alerts received by a real SMTP server (GreenMail) and a real HTTP
 * server (WireMock) standing in for the SMS API, Slack and webhook receivers.
 */
@QuarkusTest
@WithTestResource(NotificationTestInfra.class)
class AlertDeliveryTest {

    static final String SMS_PATH = "/2010-04-01/Accounts/" + NotificationTestInfra.SMS_SID + "/Messages.json";

    @Inject
    TestClock clock;

    @Inject
    DeliveryWorker worker;

    @Inject
    DeliveryBacklog backlog;

    @Inject
    PgPool pool;

    WireMockServer http = NotificationTestInfra.http();

    @BeforeEach
    void smsProviderAccepts() {
        http.stubFor(post(urlPathEqualTo(SMS_PATH)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"sid\": \"SM0001\", \"status\": \"queued\"}")));
    }

    static String phone() {
        return "+49151" + (1_000_000 + (long) (Math.random() * 8_999_999));
    }

    String contact(String tenant, String email, String phone, String channels, String extra) {
        return """
                {"email": "%s", "phone": "%s", "chatWebhookUrl": "%s/slack/%s", "webhookUrl": "%s/hooks/%s",
                 "channels": %s %s}
                """.formatted(email, phone, http.baseUrl(), tenant, http.baseUrl(), tenant, channels, extra);
    }

    static List<Map<String, Object>> awaitDeliveries(String tenant, String leadId,
            Predicate<List<Map<String, Object>>> done) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> NotificationFixtures.deliveriesOf(tenant, leadId), done);
    }

    static Predicate<List<Map<String, Object>>> all(int n, String status) {
        return list -> list.size() == n && list.stream().allMatch(d -> status.equals(d.get("status")));
    }

    static List<MimeMessage> mailTo(String address) throws Exception {
        return Arrays.stream(NotificationTestInfra.smtp().getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().contains(address));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    List<LoggedRequest> requests(String path) {
        return http.findAll(postRequestedFor(urlPathEqualTo(path)));
    }

    List<LoggedRequest> smsTo(String phone) {
        return requests(SMS_PATH).stream().filter(r -> form(r.getBodyAsString()).get("To").equals(phone)).toList();
    }

    static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return form;
    }

    @Test
    void anMqlAlertsTheOwnerOnEveryChosenChannelExactlyOnceEvenWhenRedelivered() throws Exception {
        String tenant = NotificationFixtures.newTenant();
        String email = "ana-" + tenant + "@example.com";
        String phone = phone();
        http.stubFor(post(urlPathEqualTo("/slack/" + tenant)).willReturn(aResponse().withStatus(200).withBody("ok")));
        http.stubFor(post(urlPathEqualTo("/hooks/" + tenant)).willReturn(aResponse().withStatus(204)));
        String secret = NotificationFixtures.putContact(tenant, "rep-1", contact(tenant, email, phone,
                "{\"mql\": [\"email\", \"sms\", \"chat\", \"webhook\"]}", "")).getString("webhookSecret");

        String transitionId = UUID.randomUUID().toString();
        LeadStageChanged mql = NotificationFixtures.stageChanged(tenant, "lead-1", transitionId, "nurture", "mql",
                "mql-engaged", "rep-1", true);
        NotificationFixtures.produce(Topics.LEADS_MQL, mql);
        List<Map<String, Object>> delivered = awaitDeliveries(tenant, "lead-1", all(4, "delivered"));
        for (Map<String, Object> d : delivered) {
            assertEquals("rep-1", d.get("repId"));
            assertEquals("mql", d.get("kind"));
            assertEquals(1, ((List<?>) d.get("attempts")).size(), d.toString());
            assertEquals(transitionId + ":" + d.get("channel") + ":rep-1", d.get("idempotencyKey"));
        }

        // Email: HTML and plain text alternatives, with the reasons and the explanation link.
        List<MimeMessage> mails = mailTo(email);
        assertEquals(1, mails.size());
        MimeMessage mail = mails.get(0);
        assertEquals("New MQL: Ana Silva (Engagement 87 (hot))", mail.getSubject());
        Multipart alternatives = (Multipart) mail.getContent();
        Map<String, String> parts = new HashMap<>();
        collectParts(alternatives, parts);
        String html = parts.get("text/html");
        String text = parts.get("text/plain");
        assertNotNull(html, parts.keySet().toString());
        assertNotNull(text, parts.keySet().toString());
        assertTrue(html.contains("<a href=\"https://api.leadscore.test/v1/leads/lead-1/scores/engagement/explanation\">"),
                html);
        assertTrue(html.contains("VP Marketing at Acme"), html);
        assertTrue(html.contains("<li>Viewed pricing 3× (+44.7)</li>"), html);
        assertTrue(html.contains("<li>Visited careers (−10)</li>"), html);
        assertTrue(text.contains("Why: Viewed pricing 3× (+44.7), Requested a demo (+40), Visited careers (−10), "
                + "Engagement 87 (hot), Fit 55.5 (warm), moved from nurture to mql"), text);
        assertEquals(transitionId + ":email:rep-1", mail.getHeader("X-Leadscore-Idempotency-Key")[0]);

        // Webhook: Standard Webhooks headers, verified by an independent implementation.
        List<LoggedRequest> hooks = requests("/hooks/" + tenant);
        assertEquals(1, hooks.size());
        LoggedRequest hook = hooks.get(0);
        assertEquals(transitionId + ":webhook:rep-1", hook.getHeader("webhook-id"));
        long timestamp = Long.parseLong(hook.getHeader("webhook-timestamp"));
        assertTrue(Math.abs(Instant.now().getEpochSecond() - timestamp) < 60);
        assertTrue(StandardWebhooksVerifier.verifies(secret, hook.getHeader("webhook-id"),
                hook.getHeader("webhook-timestamp"), hook.getBodyAsString(), hook.getHeader("webhook-signature")));
        JsonNode body = ContractsJson.mapper().readTree(hook.getBodyAsString());
        assertEquals("lead.alert.mql", body.get("type").asText());
        assertEquals("lead-1", body.at("/data/leadId").asText());
        assertEquals(87.0, body.at("/data/scores/0/score").asDouble());
        assertEquals("hot", body.at("/data/scores/0/band").asText());
        JsonNode top = body.at("/data/scores/0/topContributions/0");
        assertEquals("pricing-page", top.get("ruleId").asText(), body.toString());
        assertEquals("Viewed pricing", top.get("label").asText());
        assertEquals(3, top.get("count").asInt());
        assertEquals(44.71, top.get("points").asDouble());
        assertEquals("Viewed pricing 3× (+44.7)", top.get("text").asText());
        assertEquals(-10.0, body.at("/data/scores/0/topContributions/2/points").asDouble());
        assertEquals(0, body.at("/data/scores/1/topContributions").size(), "fit has none");
        assertEquals("Viewed pricing 3× (+44.7)", body.at("/data/reasons/0").asText());

        // SMS: Twilio form, basic auth, one segment.
        List<LoggedRequest> sms = smsTo(phone);
        assertEquals(1, sms.size());
        Map<String, String> form = form(sms.get(0).getBodyAsString());
        assertEquals(NotificationTestInfra.SMS_FROM, form.get("From"));
        assertTrue(form.get("Body").length() <= 160, form.get("Body"));
        assertTrue(form.get("Body").startsWith("New MQL: Ana Silva, follow up by"), form.get("Body"));
        assertTrue(form.get("Body").contains(". Viewed pricing 3x (+44.7), Requested a demo (+40), Visited careers (-10)"),
                form.get("Body"));
        assertEquals("Basic " + Base64.getEncoder().encodeToString((NotificationTestInfra.SMS_SID + ":"
                + NotificationTestInfra.SMS_TOKEN).getBytes(StandardCharsets.UTF_8)),
                sms.get(0).getHeader("Authorization"));
        assertTrue(delivered.stream().filter(d -> d.get("channel").equals("sms")).findFirst().orElseThrow()
                .get("attempts").toString().contains("SM0001"), "the provider's answer is recorded");

        // Slack: incoming-webhook JSON with a fallback text and blocks.
        List<LoggedRequest> slack = requests("/slack/" + tenant);
        assertEquals(1, slack.size());
        JsonNode chat = ContractsJson.mapper().readTree(slack.get(0).getBodyAsString());
        assertEquals("New MQL: Ana Silva", chat.get("text").asText());
        assertTrue(chat.at("/blocks/0/text/text").asText().startsWith("*New MQL: Ana Silva*"), chat.toString());
        assertTrue(chat.at("/blocks/0/text/text").asText().contains("Why: Viewed pricing 3× (+44.7), Requested a demo "
                + "(+40), Visited careers (−10), Engagement 87 (hot)"), chat.toString());
        assertEquals("https://api.leadscore.test/v1/leads/lead-1/scores/engagement/explanation",
                chat.at("/blocks/1/elements/0/url").asText());

        // The same message again (a redelivery) sends nothing; a later one for another lead is sent.
        NotificationFixtures.produce(Topics.LEADS_MQL, mql);
        NotificationFixtures.produce(Topics.LEADS_MQL, NotificationFixtures.stageChanged(tenant, "lead-2",
                UUID.randomUUID().toString(), "nurture", "mql", "mql-engaged", "rep-1", true));
        awaitDeliveries(tenant, "lead-2", all(4, "delivered"));
        assertEquals(4, NotificationFixtures.deliveriesOf(tenant, "lead-1").size());
        assertEquals(2, mailTo(email).size());
        assertEquals(2, requests("/hooks/" + tenant).size());
        assertEquals(2, requests("/slack/" + tenant).size());
        assertEquals(2, smsTo(phone).size());
        assertEquals(1, mailTo(email).stream().filter(m -> {
            try {
                return m.getHeader("X-Leadscore-Idempotency-Key")[0].startsWith(transitionId);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).count());

        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("leadscore_notification_alert_dispatch_seconds_bucket"), "latency histogram");
        assertTrue(metrics.contains("leadscore_notification_alerts_sent_total{channel=\"webhook\""), "sent counter");
        assertTrue(!metrics.contains(NotificationTestInfra.SMS_TOKEN) && !metrics.contains(secret));
    }

    private static void collectParts(Multipart multipart, Map<String, String> parts) throws Exception {
        for (int i = 0; i < multipart.getCount(); i++) {
            BodyPart part = multipart.getBodyPart(i);
            Object content = part.getContent();
            if (content instanceof Multipart nested) {
                collectParts(nested, parts);
            } else {
                parts.put(part.getContentType().split(";")[0].trim().toLowerCase(), String.valueOf(content));
            }
        }
    }

    @Test
    void aProviderThatFailsOnceIsRetriedAndDeliversExactlyOnce() {
        String tenant = NotificationFixtures.newTenant();
        String path = "/hooks/" + tenant;
        http.stubFor(post(urlPathEqualTo(path)).inScenario(tenant).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500).withBody("boom")).willSetStateTo("recovered"));
        http.stubFor(post(urlPathEqualTo(path)).inScenario(tenant).whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200).withBody("thanks")));
        sqlAlertByWebhook(tenant);

        Map<String, Object> d = awaitDeliveries(tenant, "lead-1", all(1, "delivered")).get(0);
        List<Map<String, Object>> attempts = attempts(d);
        assertEquals(2, attempts.size(), d.toString());
        assertEquals("retry", attempts.get(0).get("outcome"));
        assertEquals("HTTP 500: boom", attempts.get(0).get("response"));
        assertEquals("delivered", attempts.get(1).get("outcome"));
        assertEquals("HTTP 200: thanks", attempts.get(1).get("response"));
        List<LoggedRequest> calls = requests(path);
        assertEquals(2, calls.size());
        assertEquals(calls.get(0).getHeader("webhook-id"), calls.get(1).getHeader("webhook-id"),
                "receivers can de-duplicate on webhook-id");
    }

    /** Rep-1 of the tenant takes SQL alerts by webhook only; lead-1 becomes an SQL for rep-1. */
    void sqlAlertByWebhook(String tenant) {
        NotificationFixtures.putContact(tenant, "rep-1", contact(tenant, "x@example.com", phone(),
                "{\"sql\": [\"webhook\"]}", ""));
        NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, "lead-1",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> attempts(Map<String, Object> delivery) {
        return (List<Map<String, Object>>) delivery.get("attempts");
    }

    @Test
    void aProviderThatStaysDownIsRetriedWithBackOffThenRecordedAsFailed() {
        String tenant = NotificationFixtures.newTenant();
        String path = "/hooks/" + tenant;
        http.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(503).withBody("maintenance")));
        sqlAlertByWebhook(tenant);

        Map<String, Object> d = awaitDeliveries(tenant, "lead-1", all(1, "failed")).get(0);
        List<Map<String, Object>> attempts = attempts(d);
        assertEquals(6, attempts.size(), d.toString());
        for (int i = 0; i < 5; i++) {
            assertEquals("retry", attempts.get(i).get("outcome"));
            assertEquals("HTTP 503: maintenance", attempts.get(i).get("response"));
        }
        assertEquals("failed", attempts.get(5).get("outcome"));
        assertEquals("gave up after 6 attempts: HTTP 503: maintenance", d.get("reason"));
        assertEquals(6, requests(path).size());
        // Backed off: each gap at least half the growing delay (40 ms × 2^n in tests).
        for (int i = 1; i < 6; i++) {
            Instant before = Instant.parse(String.valueOf(attempts.get(i - 1).get("at")));
            Instant after = Instant.parse(String.valueOf(attempts.get(i).get("at")));
            long minimum = Math.min(400, 40L << (i - 1)) / 2;
            assertTrue(Duration.between(before, after).toMillis() >= minimum, "gap " + i + " " + attempts);
        }
    }

    @Test
    void aPermanentRefusalFailsAtOnceWithTheProvidersAnswer() {
        String tenant = NotificationFixtures.newTenant();
        String path = "/slack/" + tenant;
        http.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(410).withBody("channel_is_archived")));
        NotificationFixtures.putContact(tenant, "rep-1", contact(tenant, "x@example.com", phone(),
                "{\"sql\": [\"chat\"]}", ""));
        NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, "lead-1",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true));

        Map<String, Object> d = awaitDeliveries(tenant, "lead-1", all(1, "failed")).get(0);
        assertEquals(1, attempts(d).size());
        assertEquals("HTTP 410: channel_is_archived", attempts(d).get(0).get("response"));
        assertEquals("permanent failure: HTTP 410: channel_is_archived", d.get("reason"));
        assertEquals(1, requests(path).size());
    }

    @Test
    void nonUrgentAlertsAreHeldDuringQuietHoursAndSentWhenTheyEnd() {
        String tenant = NotificationFixtures.newTenant();
        String path = "/hooks/" + tenant;
        http.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200)));
        DateTimeFormatter hhmm = DateTimeFormatter.ofPattern("HH:mm");
        LocalTime now = LocalTime.now(ZoneOffset.UTC);
        String quiet = ", \"timeZone\": \"UTC\", \"quietHours\": {\"from\": \"%s\", \"to\": \"%s\"}, \"urgent\": [\"sql\"]"
                .formatted(now.minusHours(1).format(hhmm), now.plusHours(1).format(hhmm));
        NotificationFixtures.putContact(tenant, "rep-1", contact(tenant, "x@example.com", phone(),
                "{\"mql\": [\"webhook\"], \"sql\": [\"webhook\"]}", quiet));
        NotificationFixtures.produce(Topics.LEADS_MQL, NotificationFixtures.stageChanged(tenant, "lead-mql",
                UUID.randomUUID().toString(), "nurture", "mql", "mql-engaged", "rep-1", true));
        NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, "lead-sql",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true));

        // The urgent SQL alert goes out at once; the MQL alert waits for the end of quiet hours.
        awaitDeliveries(tenant, "lead-sql", all(1, "delivered"));
        Map<String, Object> held = awaitDeliveries(tenant, "lead-mql", all(1, "pending")).get(0);
        assertTrue(String.valueOf(held.get("reason")).startsWith("held for quiet hours"), held.toString());
        Instant release = Instant.parse(String.valueOf(held.get("nextAttemptAt")));
        assertTrue(release.isAfter(Instant.now().plus(Duration.ofMinutes(58))), release.toString());
        assertEquals(0, attempts(held).size());
        assertEquals(1, requests(path).size());

        try {
            clock.advance(Duration.ofHours(2));
            await().atMost(Duration.ofSeconds(10)).until(() -> worker.runDue().await().indefinitely() > 0
                    || "delivered".equals(NotificationFixtures.deliveriesOf(tenant, "lead-mql").get(0).get("status")));
            Map<String, Object> sent = awaitDeliveries(tenant, "lead-mql", all(1, "delivered")).get(0);
            assertEquals(1, attempts(sent).size());
            assertEquals(2, requests(path).size());
        } finally {
            clock.reset();
        }
    }

    @Test
    void anEscalationAlertsTheTeamManagerAndAReassignmentTheNewOwner() throws Exception {
        String tenant = NotificationFixtures.newTenant();
        String manager = "boss-" + tenant + "@example.com";
        String newOwner = "next-" + tenant + "@example.com";
        NotificationFixtures.putContact(tenant, "boss", """
                {"email": "%s", "channels": {"escalation": ["email"]}}""".formatted(manager));
        NotificationFixtures.putContact(tenant, "rep-next", """
                {"email": "%s", "channels": {"reassignment": ["email"]}}""".formatted(newOwner));
        NotificationFixtures.produce(Topics.LEAD_ESCALATIONS, NotificationFixtures.escalated(tenant, "lead-e",
                UUID.randomUUID().toString(), "boss"));
        NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, "lead-e",
                UUID.randomUUID().toString(), "sql", "sql", LeadStageChanged.RULE_REASSIGN, "rep-next", true));

        List<Map<String, Object>> deliveries = awaitDeliveries(tenant, "lead-e", all(2, "delivered"));
        assertEquals(List.of("escalation", "reassignment"), deliveries.stream().map(d -> d.get("kind")).sorted()
                .toList());
        List<MimeMessage> toManager = mailTo(manager);
        assertEquals(1, toManager.size());
        assertEquals("SLA missed: lead-e", toManager.get(0).getSubject());
        List<MimeMessage> toOwner = mailTo(newOwner);
        assertEquals(1, toOwner.size());
        assertEquals("Reassigned to you: Ana Silva (Engagement 87 (hot))", toOwner.get(0).getSubject());
    }

    @Test
    void noOwnerNoPolicyAlertOrAnUnreadableRecordAlertsNobodyAndBlocksNothing() {
        String tenant = NotificationFixtures.newTenant();
        NotificationFixtures.putContact(tenant, "rep-1", """
                {"email": "n-%s@example.com", "channels": {"sql": ["email"]}}""".formatted(tenant));
        NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, "lead-quiet",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", false));
        NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, "lead-queued",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", null, true));
        NotificationFixtures.produceRaw(Topics.LEADS_SQL, tenant + "/lead-garbage", "{not json");
        NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, "lead-sentinel",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true));

        awaitDeliveries(tenant, "lead-sentinel", all(1, "delivered"));
        assertEquals(0, NotificationFixtures.deliveriesOf(tenant, "lead-quiet").size());
        assertEquals(0, NotificationFixtures.deliveriesOf(tenant, "lead-queued").size());
        var rejected = pool.preparedQuery("SELECT reason FROM rejected_message WHERE record_key = $1")
                .execute(Tuple.of(tenant + "/lead-garbage")).await().indefinitely();
        assertEquals(1, rejected.size());
        assertTrue(rejected.iterator().next().getString("reason").startsWith("not a LeadStageChanged"));
    }

    @Test
    void aTenantOverItsSmsQuotaGetsAFailedDeliveryWithTheReason() {
        String tenant = NotificationTestInfra.QUOTA_TENANT;
        String phone = phone();
        NotificationFixtures.putContact(tenant, "rep-q", """
                {"phone": "%s", "channels": {"sql": ["sms"]}}""".formatted(phone));
        NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, "lead-q1",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-q", true));
        awaitDeliveries(tenant, "lead-q1", all(1, "delivered"));
        NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, "lead-q2",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-q", true));
        Map<String, Object> over = awaitDeliveries(tenant, "lead-q2", all(1, "failed")).get(0);
        assertEquals("quota exceeded: 1 sms messages per day for tenant " + tenant, over.get("reason"));
        assertEquals(0, attempts(over).size());
        assertEquals(1, smsTo(phone).size());
    }

    @Inject
    DeliveryStore store;

    @Test
    void aSlowProviderTimesOutWithoutHoldingUpAnotherTenantsAlerts() {
        String slowTenant = NotificationFixtures.newTenant();
        String fastTenant = NotificationFixtures.newTenant();
        String slowPath = "/hooks/" + slowTenant;
        // Answers after 3 s (the test timeout is 2 s) the first time, promptly after.
        http.stubFor(post(urlPathEqualTo(slowPath)).inScenario(slowTenant).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withFixedDelay(3000)).willSetStateTo("fast"));
        http.stubFor(post(urlPathEqualTo(slowPath)).inScenario(slowTenant).whenScenarioStateIs("fast")
                .willReturn(aResponse().withStatus(200)));
        http.stubFor(post(urlPathEqualTo("/hooks/" + fastTenant)).willReturn(aResponse().withStatus(200)));
        NotificationFixtures.putContact(slowTenant, "rep-1", contact(slowTenant, "x@example.com", phone(),
                "{\"sql\": [\"webhook\"]}", ""));
        NotificationFixtures.putContact(fastTenant, "rep-1", contact(fastTenant, "y@example.com", phone(),
                "{\"sql\": [\"webhook\"]}", ""));

        NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(slowTenant, "lead-1",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true));
        await().atMost(Duration.ofSeconds(10)).until(() -> requests(slowPath).size() == 1);
        NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(fastTenant, "lead-1",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true));

        Map<String, Object> fast = awaitDeliveries(fastTenant, "lead-1", all(1, "delivered")).get(0);
        Map<String, Object> slow = awaitDeliveries(slowTenant, "lead-1", all(1, "delivered")).get(0);
        List<Map<String, Object>> slowAttempts = attempts(slow);
        assertEquals(2, slowAttempts.size(), slow.toString());
        assertEquals("retry", slowAttempts.get(0).get("outcome"));
        assertTrue(String.valueOf(slowAttempts.get(0).get("response")).matches("no answer: .*time.*"),
                slowAttempts.toString());
        assertTrue(Instant.parse(String.valueOf(fast.get("deliveredAt")))
                .isBefore(Instant.parse(String.valueOf(slowAttempts.get(0).get("at")))),
                "the other tenant's alert left while the slow call was still waiting");
    }

    @Test
    void aDeliveryLeftBehindByACrashedReplicaIsSentOnceItsLeaseRunsOut() {
        String tenant = NotificationFixtures.newTenant();
        String path = "/hooks/" + tenant;
        http.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200)));
        NotificationFixtures.putContact(tenant, "rep-1", contact(tenant, "x@example.com", phone(),
                "{\"sql\": [\"webhook\"]}", ""));
        // What a replica that died right after its commit leaves behind: a pending delivery under its lease.
        Alert alert = AlertDecider.decide(NotificationFixtures.stageChanged(tenant, "lead-1",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true), TenantSettingsStore.ALL)
                .orElseThrow();
        Instant now = clock.instant();
        Instant leaseEnd = now.plus(Duration.ofSeconds(60));
        // Due for a day already (it had waited out quiet hours, say): older than any other test's delivery, so the
        // backlog's oldest-due age below is this one's.
        Instant dueSince = now.minus(Duration.ofDays(1));
        pool.withTransaction(conn -> store.insertAlerts(conn, List.of(alert), now)
                .chain(inserted -> store.insertDeliveries(conn, List.of(new NewDelivery(inserted.get(0).id(), alert,
                        Channel.WEBHOOK, dueSince, leaseEnd, null)), now)))
                .await().indefinitely();
        // A younger due delivery of another lead, held by a live replica for the whole test: the backlog's oldest is
        // still the one above.
        Alert younger = AlertDecider.decide(NotificationFixtures.stageChanged(tenant, "lead-2",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true), TenantSettingsStore.ALL)
                .orElseThrow();
        pool.withTransaction(conn -> store.insertAlerts(conn, List.of(younger), now)
                .chain(inserted -> store.insertDeliveries(conn, List.of(new NewDelivery(inserted.get(0).id(), younger,
                        Channel.WEBHOOK, now, now.plus(Duration.ofHours(1)), null)), now)))
                .await().indefinitely();

        // While the lease holds nobody else sends it (the owner might still be sending).
        assertEquals(0, worker.runDue().await().indefinitely());
        assertEquals("pending", NotificationFixtures.deliveriesOf(tenant, "lead-1").get(0).get("status"));
        // It is due, so it counts in the backlog (other tests' deliveries may count too).
        assertTrue(backlog.refresh().await().indefinitely().due() >= 1);
        try {
            clock.advance(Duration.ofSeconds(61));
            // Due for a day and the 61 s the clock moved: the oldest due delivery's age says so, on /q/metrics too.
            DeliveryStore.Backlog late = backlog.refresh().await().indefinitely();
            assertEquals(dueSince.truncatedTo(ChronoUnit.MICROS), late.oldestDue().truncatedTo(ChronoUnit.MICROS),
                    late.toString());
            String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
            double age = metrics.lines().filter(l -> l.startsWith("leadscore_notification_deliveries_oldest_due_seconds "))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
            assertEquals(86_400 + 61, age, 1, "oldest due age on /q/metrics: " + age);
            assertTrue(metrics.contains("leadscore_notification_deliveries_pending{state=\"due\"}"), "due gauge");
            // This run or the service's own scheduled one (its clock moved too) takes it; either way it goes once.
            worker.runDue().await().indefinitely();
            Map<String, Object> sent = awaitDeliveries(tenant, "lead-1", all(1, "delivered")).get(0);
            assertEquals(1, attempts(sent).size());
            assertEquals(1, requests(path).size());
        } finally {
            clock.reset();
            pool.preparedQuery("UPDATE delivery SET status = 'failed', reason = 'test over' WHERE tenant = $1 "
                    + "AND lead_id = 'lead-2'").execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant)).await()
                    .indefinitely();
        }
    }

    @Inject
    DeliveryDispatcher dispatcher;

    /**
     * The consumer commits a batch's deliveries under a lease and sends them after the commit. If the commit took longer
     * than the lease (a database outage retried), the worker may lease them again meanwhile: a send under the old lease
     * would reach the rep twice. Only the holder of the current, unexpired lease sends.
     */
    @Test
    void aDeliveryIsSentOnlyUnderItsCurrentLeaseSoALateSenderCannotSendItTwice() {
        String tenant = NotificationFixtures.newTenant();
        String path = "/hooks/" + tenant;
        // Slow enough that the worker's send is still in flight when the late sender tries.
        http.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200).withFixedDelay(1500)));
        NotificationFixtures.putContact(tenant, "rep-1", contact(tenant, "x@example.com", phone(),
                "{\"sql\": [\"webhook\"]}", ""));
        Alert alert = AlertDecider.decide(NotificationFixtures.stageChanged(tenant, "lead-1",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true), TenantSettingsStore.ALL)
                .orElseThrow();
        Instant now = clock.instant();
        // Committed with a lease that ran out a second ago.
        List<Lease> late = pool.withTransaction(conn -> store.insertAlerts(conn, List.of(alert), now)
                .chain(inserted -> store.insertDeliveries(conn, List.of(new NewDelivery(inserted.get(0).id(), alert,
                        Channel.WEBHOOK, now.minusSeconds(61), now.minusSeconds(1), null)), now)))
                .await().indefinitely();
        assertEquals(1, late.size());

        dispatcher.dispatch(late).await().indefinitely();
        assertEquals(0, requests(path).size(), "a lease that ran out sends nothing");

        assertTrue(worker.runDue().await().indefinitely() >= 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> requests(path).size() == 1);
        // The worker's send is in flight under its new lease; the old holder must not send again.
        dispatcher.dispatch(late).await().indefinitely();
        Map<String, Object> sent = awaitDeliveries(tenant, "lead-1", all(1, "delivered")).get(0);
        assertEquals(1, attempts(sent).size(), sent.toString());
        assertEquals(1, requests(path).size());
    }

    /**
     * A tenant's large backlog (everything released when its quiet hours end) must not hide another tenant's due
     * delivery: each round takes every tenant's oldest first.
     */
    @Test
    void oneTenantsBacklogDoesNotHoldUpAnotherTenantsDueDelivery() {
        String busy = NotificationFixtures.newTenant();
        String quiet = NotificationFixtures.newTenant();
        Instant now = clock.instant();
        List<Alert> backlog = new java.util.ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            backlog.add(AlertDecider.decide(NotificationFixtures.stageChanged(busy, "lead-" + i,
                    UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true), TenantSettingsStore.ALL)
                    .orElseThrow());
        }
        Alert alone = AlertDecider.decide(NotificationFixtures.stageChanged(quiet, "lead-1",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true), TenantSettingsStore.ALL)
                .orElseThrow();
        try {
            // The busy tenant's deliveries fell due an hour ago, the quiet tenant's a minute ago.
            pool.withTransaction(conn -> store.insertAlerts(conn, backlog, now)
                    .chain(inserted -> store.insertDeliveries(conn, inserted.stream().map(ia -> new NewDelivery(ia.id(),
                            ia.alert(), Channel.WEBHOOK, now.minus(Duration.ofHours(1)), null, null)).toList(), now))
                    .chain(() -> store.insertAlerts(conn, List.of(alone), now))
                    .chain(inserted -> store.insertDeliveries(conn, List.of(new NewDelivery(inserted.get(0).id(), alone,
                            Channel.WEBHOOK, now.minus(Duration.ofMinutes(1)), null, null)), now)))
                    .await().indefinitely();

            worker.runDue().await().indefinitely();

            var quietRow = pool.preparedQuery("SELECT status, locked_until FROM delivery WHERE tenant = $1")
                    .execute(Tuple.of(quiet)).await().indefinitely().iterator().next();
            assertTrue(!"pending".equals(quietRow.getString("status")) || quietRow.getValue("locked_until") != null,
                    "the quiet tenant's delivery was taken in the first round");
        } finally {
            pool.preparedQuery("UPDATE delivery SET status = 'failed', reason = 'test over' WHERE tenant = ANY($1) "
                    + "AND status = 'pending'").execute(Tuple.of((Object) new String[]{busy, quiet})).await()
                    .indefinitely();
        }
    }

    /** More tenants with due deliveries than one round takes: the next round goes on after the last one reached. */
    @Test
    void aRoundThatReachesItsTenantLimitIsContinuedAfterTheLastTenantItReached() {
        String prefix = "zzz-fair-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> tenants = List.of(prefix + "-a", prefix + "-b", prefix + "-c");
        Instant now = clock.instant();
        try {
            for (String tenant : tenants) {
                Alert alert = AlertDecider.decide(NotificationFixtures.stageChanged(tenant, "lead-1",
                        UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true), TenantSettingsStore.ALL)
                        .orElseThrow();
                pool.withTransaction(conn -> store.insertAlerts(conn, List.of(alert), now)
                        .chain(inserted -> store.insertDeliveries(conn, List.of(new NewDelivery(inserted.get(0).id(),
                                alert, Channel.WEBHOOK, now.plus(Duration.ofDays(1)), null, null)), now)))
                        .await().indefinitely();
            }
            // Due tomorrow, claimed as of the day after: the service's own worker (today) leaves them alone.
            Instant later = now.plus(Duration.ofDays(2));
            Instant lease = later.plus(Duration.ofHours(1));
            DeliveryStore.DueClaim first = store.claimDue(later, lease, 2, 1, prefix).await().indefinitely();
            assertEquals(2, first.leases().size());
            assertEquals(tenants.get(1), first.lastTenant());
            DeliveryStore.DueClaim second = store.claimDue(later, lease, 2, 1, first.lastTenant()).await()
                    .indefinitely();
            assertEquals(1, second.leases().size(), second.toString());
            var leased = pool.preparedQuery("SELECT tenant FROM delivery WHERE id = $1")
                    .execute(Tuple.of(second.leases().get(0).deliveryId())).await().indefinitely().iterator().next();
            assertEquals(tenants.get(2), leased.getString("tenant"));
        } finally {
            pool.preparedQuery("UPDATE delivery SET status = 'failed', reason = 'test over' WHERE tenant = ANY($1) "
                    + "AND status = 'pending'").execute(Tuple.of((Object) tenants.toArray(String[]::new))).await()
                    .indefinitely();
        }
    }

    /** Markup in a lead's name shows as text in the rep's chat: it must not become a link or formatting there. */
    @Test
    void markupInTheLeadsNameIsEscapedForSlackAndTeams() throws Exception {
        String tenant = NotificationFixtures.newTenant();
        http.stubFor(post(urlPathEqualTo("/slack/" + tenant)).willReturn(aResponse().withStatus(200).withBody("ok")));
        NotificationFixtures.putContact(tenant, "rep-slack", contact(tenant, "s@example.com", phone(),
                "{\"sql\": [\"chat\"]}", ""));
        NotificationFixtures.putContact(tenant, "rep-teams", contact(tenant, "t@example.com", phone(),
                "{\"sql\": [\"chat\"]}", ", \"chatFormat\": \"teams\""));
        Map<String, Object> name = Map.of("firstName", "<https://evil.example|Click>", "lastName",
                "[here](https://evil.example)");
        for (String rep : List.of("rep-slack", "rep-teams")) {
            NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, "lead-" + rep,
                    UUID.randomUUID().toString(), "mql", "sql", "sql-hot", rep, true, name));
            awaitDeliveries(tenant, "lead-" + rep, all(1, "delivered"));
        }
        List<JsonNode> bodies = new java.util.ArrayList<>();
        for (LoggedRequest r : requests("/slack/" + tenant)) {
            bodies.add(ContractsJson.mapper().readTree(r.getBodyAsString()));
        }
        JsonNode slack = bodies.stream().filter(b -> b.has("blocks")).findFirst().orElseThrow();
        JsonNode teams = bodies.stream().filter(b -> b.has("@type")).findFirst().orElseThrow();
        for (String text : List.of(slack.get("text").asText(), slack.at("/blocks/0/text/text").asText())) {
            assertTrue(text.contains("&lt;https://evil.example|Click&gt;") && !text.contains("<https://evil"), text);
        }
        String card = teams.get("text").asText();
        assertTrue(card.contains("\\[here\\]\\(https://evil\\.example\\)"), card);
        assertTrue(!card.contains("[here](https"), card);
    }

    /** PostgreSQL's text refuses NUL: an answer holding one must still be recorded, not resent at every lease's end. */
    @Test
    void aProviderAnswerWithANulCharacterIsRecordedAndTheDeliverySentOnce() {
        String tenant = NotificationFixtures.newTenant();
        String path = "/hooks/" + tenant;
        http.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200).withBody("ok\u0000done")));
        sqlAlertByWebhook(tenant);

        Map<String, Object> sent = awaitDeliveries(tenant, "lead-1", all(1, "delivered")).get(0);
        assertEquals("HTTP 200: ok\uFFFDdone", attempts(sent).get(0).get("response"));
        assertEquals(1, requests(path).size());
    }

    /**
     * A line break in the lead's name must neither stop the alert (the mail client refuses a multi-line subject: six
     * failed attempts) nor end the Subject header and start a header of its own.
     */
    @Test
    void aLineBreakInTheLeadsNameStaysInsideTheSubject() throws Exception {
        String tenant = NotificationFixtures.newTenant();
        String email = "ana-" + tenant + "@example.com";
        NotificationFixtures.putContact(tenant, "rep-1", contact(tenant, email, phone(), "{\"sql\": [\"email\"]}",
                ""));
        NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, "lead-1",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true,
                Map.<String, Object>of("firstName", "Ana", "lastName",
                        "Silva\r\nReply-To: x@evil.example\nBcc: y@evil.example")));

        awaitDeliveries(tenant, "lead-1", all(1, "delivered"));
        MimeMessage mail = mailTo(email).get(0);
        assertEquals("Hot lead, sales-qualified: Ana Silva Reply-To: x@evil.example Bcc: y@evil.example "
                + "(Engagement 87 (hot))", mail.getSubject());
        assertEquals(null, mail.getHeader("Reply-To"));
        assertEquals(null, mail.getHeader("Bcc"));
        assertEquals(1, mail.getAllRecipients().length);
    }

    @Test
    void theDeliveryLogValidatesItsFiltersAndIsTenantScoped() {
        String tenant = NotificationFixtures.newTenant();
        NotificationFixtures.putContact(tenant, "rep-1", """
                {"email": "log-%s@example.com", "channels": {"mql": ["email"]}}""".formatted(tenant));
        NotificationFixtures.produce(Topics.LEADS_MQL, NotificationFixtures.stageChanged(tenant, "lead-1",
                UUID.randomUUID().toString(), "nurture", "mql", "mql-engaged", "rep-1", true));
        awaitDeliveries(tenant, "lead-1", all(1, "delivered"));
        assertEquals(1, NotificationFixtures.deliveries(tenant, "?repId=rep-1&status=delivered&limit=5")
                .getList("deliveries").size());
        assertEquals(0, NotificationFixtures.deliveries(tenant, "?status=failed").getList("deliveries").size());
        assertEquals(0, NotificationFixtures.deliveries(NotificationFixtures.newTenant(), "?leadId=lead-1")
                .getList("deliveries").size());
        given().auth().oauth2(Tokens.token(tenant, "read")).when().get("/v1/notifications?status=sent").then()
                .statusCode(400).body("errors[0].field", org.hamcrest.Matchers.equalTo("status"));
        given().auth().oauth2(Tokens.token(tenant, "read")).when().get("/v1/notifications?limit=0").then()
                .statusCode(400).body("errors[0].field", org.hamcrest.Matchers.equalTo("limit"));
        given().when().get("/v1/notifications").then().statusCode(401);
        // A rep's own token lists that rep's deliveries only.
        given().auth().oauth2(Tokens.repToken(tenant, "rep-1")).when().get("/v1/notifications").then()
                .statusCode(200).body("deliveries.repId", org.hamcrest.Matchers.everyItem(
                        org.hamcrest.Matchers.equalTo("rep-1")))
                .body("deliveries", org.hamcrest.Matchers.hasSize(1));
        given().auth().oauth2(Tokens.repToken(tenant, "rep-2")).when().get("/v1/notifications").then()
                .statusCode(200).body("deliveries", org.hamcrest.Matchers.hasSize(0));
        given().auth().oauth2(Tokens.repToken(tenant, "rep-2")).when().get("/v1/notifications?repId=rep-1").then()
                .statusCode(403).body("errors[0].message", org.hamcrest.Matchers.containsString(
                        "lists only that rep's deliveries"));
    }
}
