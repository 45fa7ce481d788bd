package io.leadscore.notification.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.internet.MimeMessage;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.contracts.LeadStageChanged;
import io.leadscore.contracts.MessageHeaders;
import io.leadscore.contracts.MessageKeys;
import io.leadscore.contracts.Topics;
import io.leadscore.notification.NotificationFixtures;
import io.leadscore.notification.NotificationTestInfra;
import io.leadscore.testing.KafkaBroker;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Deliveries are sent after the consumer's commit, from the stored row, yet every message on every channel continues
 * the trace of the routing message behind it: each attempt is its own span in that trace, and its {@code traceparent}
 * travels as an HTTP header (SMS, chat, webhook) and a MIME header (email).
 */
@QuarkusTest
@WithTestResource(NotificationTestInfra.class)
class DeliveryTraceTest {

    static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]");
    static final String SMS_PATH = "/2010-04-01/Accounts/" + NotificationTestInfra.SMS_SID + "/Messages.json";

    WireMockServer http = NotificationTestInfra.http();

    @Test
    void everyChannelCarriesTheTraceOfTheRoutingMessage() throws Exception {
        String tenant = NotificationFixtures.newTenant();
        String email = "tracy-" + tenant + "@example.com";
        String phone = "+49151" + ThreadLocalRandom.current().nextInt(1_000_000, 9_999_999);
        http.stubFor(post(urlPathEqualTo(SMS_PATH)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"sid\": \"SM0001\"}")));
        http.stubFor(post(urlPathEqualTo("/slack/" + tenant)).willReturn(aResponse().withStatus(200).withBody("ok")));
        http.stubFor(post(urlPathEqualTo("/hooks/" + tenant)).willReturn(aResponse().withStatus(204)));
        NotificationFixtures.putContact(tenant, "rep-1", contact(tenant, email, phone,
                "{\"mql\": [\"email\", \"sms\", \"chat\", \"webhook\"]}"));
        String traceId = newTraceId();
        String routingSpan = "00f067aa0ba902b7";

        produce(Topics.LEADS_MQL, NotificationFixtures.stageChanged(tenant, "lead-1", UUID.randomUUID().toString(),
                "nurture", "mql", "mql-engaged", "rep-1", true), "00-" + traceId + "-" + routingSpan + "-01");
        awaitDelivered(tenant, 4);

        List<String> sent = new ArrayList<>();
        sent.add(header(requests("/hooks/" + tenant).get(0), "webhook"));
        sent.add(header(requests("/slack/" + tenant).get(0), "chat"));
        sent.add(header(requests(SMS_PATH).stream().filter(r -> r.getBodyAsString().contains(phone.substring(1)))
                .findFirst().orElseThrow(), "sms"));
        MimeMessage mail = Arrays.stream(NotificationTestInfra.smtp().getReceivedMessages())
                .filter(m -> recipient(m).contains(email)).findFirst().orElseThrow();
        String[] mailHeader = mail.getHeader("traceparent");
        assertNotNull(mailHeader, "the email carries a traceparent MIME header");
        sent.add(mailHeader[0]);

        for (String traceparent : sent) {
            Matcher m = TRACEPARENT.matcher(traceparent);
            assertTrue(m.matches(), traceparent);
            assertEquals(traceId, m.group(1), "continues the routing message's trace: " + traceparent);
            assertNotEquals(routingSpan, m.group(2), "the parent is the delivery's own span: " + traceparent);
        }
        assertEquals(4, new HashSet<>(sent).size(), "one span per delivery: " + sent);
    }

    @Test
    void aRetryIsANewSpanInTheSameTrace() {
        String tenant = NotificationFixtures.newTenant();
        String path = "/hooks/" + tenant;
        http.stubFor(post(urlPathEqualTo(path)).inScenario(tenant).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("busy")).willSetStateTo("recovered"));
        http.stubFor(post(urlPathEqualTo(path)).inScenario(tenant).whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200)));
        NotificationFixtures.putContact(tenant, "rep-1", contact(tenant, "x@example.com", "+15550002222",
                "{\"sql\": [\"webhook\"]}"));
        String traceId = newTraceId();

        produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, "lead-1", UUID.randomUUID().toString(),
                "mql", "sql", "sql-hot", "rep-1", true), "00-" + traceId + "-00f067aa0ba902b7-01");
        awaitDelivered(tenant, 1);

        List<LoggedRequest> calls = requests(path);
        assertEquals(2, calls.size());
        String first = header(calls.get(0), "first attempt");
        String second = header(calls.get(1), "retry");
        assertTrue(first.contains(traceId) && second.contains(traceId), first + " / " + second);
        assertNotEquals(first, second, "each attempt is its own span");
    }

    @Test
    void aMessageWithoutTraceContextIsStillDeliveredInATraceOfItsOwn() {
        String tenant = NotificationFixtures.newTenant();
        http.stubFor(post(urlPathEqualTo("/hooks/" + tenant)).willReturn(aResponse().withStatus(204)));
        NotificationFixtures.putContact(tenant, "rep-1", contact(tenant, "y@example.com", "+15550003333",
                "{\"mql\": [\"webhook\"]}"));

        produce(Topics.LEADS_MQL, NotificationFixtures.stageChanged(tenant, "lead-1", UUID.randomUUID().toString(),
                "nurture", "mql", "mql-engaged", "rep-1", true), null);
        awaitDelivered(tenant, 1);

        assertTrue(TRACEPARENT.matcher(header(requests("/hooks/" + tenant).get(0), "webhook")).matches());
    }

    String contact(String tenant, String email, String phone, String channels) {
        return """
                {"email": "%s", "phone": "%s", "chatWebhookUrl": "%s/slack/%s", "webhookUrl": "%s/hooks/%s",
                 "channels": %s}
                """.formatted(email, phone, http.baseUrl(), tenant, http.baseUrl(), tenant, channels);
    }

    static String newTraceId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    static void produce(String topic, LeadStageChanged message, String traceparent) {
        try (var producer = KafkaBroker.producer()) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic,
                    MessageKeys.leadKey(message.tenant(), message.leadId()),
                    ContractsJson.mapper().writeValueAsString(message));
            if (traceparent != null) {
                record.headers().add(MessageHeaders.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
            }
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void awaitDelivered(String tenant, int count) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> NotificationFixtures.deliveriesOf(tenant, "lead-1"),
                        list -> list.size() == count && list.stream().allMatch(d -> "delivered".equals(
                                d.get("status"))));
    }

    List<LoggedRequest> requests(String path) {
        return http.findAll(postRequestedFor(urlPathEqualTo(path)));
    }

    static String header(LoggedRequest request, String what) {
        String value = request.getHeader(MessageHeaders.TRACEPARENT);
        assertNotNull(value, what + " request carries a traceparent header");
        return value;
    }

    static String recipient(MimeMessage m) {
        try {
            return Arrays.toString(m.getAllRecipients());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
