package io.leadscore.notification.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.leadscore.contracts.Topics;
import io.leadscore.notification.NotificationFixtures;
import io.leadscore.notification.NotificationTestInfra;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * One slow or failing provider never holds up another: each webhook endpoint has its own timeout, bulkhead and circuit
 * breaker ({@link ProviderGuards}). Real broker, real database, a real HTTP server (WireMock) as the receivers.
 *
 * <p>
 * Test profile: provider timeout 2 s; circuit breaker defaults (judged over 20 calls, opens at a 50 % failure ratio,
 * stays open 30 s); 6 attempts with 40–400 ms back-off.
 */
@QuarkusTest
@WithTestResource(NotificationTestInfra.class)
class ProviderIsolationTest {

    static final String BREAKER_OPEN = "provider unavailable (circuit breaker open); not attempted";
    /** The circuit breaker's request volume threshold (leadscore.notification.providers.breaker-volume default). */
    static final int BREAKER_VOLUME = 20;
    static final int MAX_ATTEMPTS = 6;
    static final int SLOW_ALERTS = 3;

    WireMockServer http = NotificationTestInfra.http();

    /**
     * A receiver of its own (another port) for the slow endpoint, so its delayed answers never hold threads of the
     * server the other tests use.
     */
    static WireMockServer slowServer;

    @BeforeAll
    static void startSlowServer() {
        slowServer = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .containerThreads(64));
        slowServer.start();
    }

    @AfterAll
    static void stopSlowServer() {
        slowServer.stop();
    }

    String webhookContact(String url) {
        return """
                {"webhookUrl": "%s", "channels": {"sql": ["webhook"]}}""".formatted(url);
    }

    /** A new tenant whose two reps' webhooks are a slow endpoint and a prompt one (the paths are per tenant). */
    record SlowAndFast(String tenant, String slowPath, String fastPath) {
    }

    /**
     * rep-slow's webhook answers only after 4 s (the provider timeout in tests is 2 s), on the slow receiver;
     * rep-fast's answers at once, on {@code fastServer}.
     */
    SlowAndFast slowAndFastReps(String pathPrefix, WireMockServer fastServer) {
        String tenant = NotificationFixtures.newTenant();
        String slowPath = "/" + pathPrefix + "slow/" + tenant;
        String fastPath = "/" + pathPrefix + "fast/" + tenant;
        slowServer.stubFor(post(urlPathEqualTo(slowPath)).willReturn(aResponse().withStatus(200).withFixedDelay(4000)));
        fastServer.stubFor(post(urlPathEqualTo(fastPath)).willReturn(aResponse().withStatus(200).withBody("fast")));
        NotificationFixtures.putContact(tenant, "rep-slow", webhookContact(slowServer.baseUrl() + slowPath));
        NotificationFixtures.putContact(tenant, "rep-fast", webhookContact(fastServer.baseUrl() + fastPath));
        return new SlowAndFast(tenant, slowPath, fastPath);
    }

    /** The slow endpoint answers at once from now on. */
    static void answersPromptly(String slowPath) {
        slowServer.stubFor(post(urlPathEqualTo(slowPath)).willReturn(aResponse().withStatus(200).withBody("back")));
    }

    void produceSql(String tenant, String leadId, String repId) {
        NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, leadId,
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", repId, true));
    }

    int requests(String path) {
        return http.findAll(postRequestedFor(urlPathEqualTo(path))).size();
    }

    static List<Map<String, Object>> ofRep(String tenant, String repId) {
        return NotificationFixtures.deliveries(tenant, "?repId=" + repId).getList("deliveries");
    }

    static List<Map<String, Object>> awaitOfRep(String tenant, String repId, Predicate<List<Map<String, Object>>> done) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> ofRep(tenant, repId), done);
    }

    static Predicate<List<Map<String, Object>>> all(int n, String status) {
        return list -> list.size() == n && list.stream().allMatch(d -> status.equals(d.get("status")));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> attempts(Map<String, Object> delivery) {
        return (List<Map<String, Object>>) delivery.get("attempts");
    }

    static Instant instant(Object value) {
        return Instant.parse(String.valueOf(value));
    }

    static int durationMs(Map<String, Object> attempt) {
        return ((Number) attempt.get("durationMs")).intValue();
    }

    @Test
    void aSlowWebhookEndpointDoesNotDelayAnotherOne() {
        SlowAndFast reps = slowAndFastReps("", http);
        String tenant = reps.tenant();
        String slowPath = reps.slowPath();
        String fastPath = reps.fastPath();

        // Three alerts keep the slow endpoint busy: each call runs into the timeout and is retried, up to 6 times
        // (18 calls, fewer than the 20 the circuit breaker needs to judge, so it stays closed throughout).
        for (int i = 1; i <= SLOW_ALERTS; i++) {
            produceSql(tenant, "lead-s" + i, "rep-slow");
        }
        // The slow endpoint is busy: its first calls have run into the timeout and are being retried.
        awaitOfRep(tenant, "rep-slow", list -> list.stream().anyMatch(d -> !attempts(d).isEmpty()));
        produceSql(tenant, "lead-f1", "rep-fast");

        Map<String, Object> fast = awaitOfRep(tenant, "rep-fast", all(1, "delivered")).get(0);
        // When the other rep's alert is delivered, the slow endpoint's alerts are all still being tried.
        List<Map<String, Object>> meanwhile = ofRep(tenant, "rep-slow");
        assertEquals(SLOW_ALERTS, meanwhile.size(), meanwhile.toString());
        assertTrue(meanwhile.stream().allMatch(d -> "pending".equals(d.get("status"))), meanwhile.toString());
        List<Map<String, Object>> fastAttempts = attempts(fast);
        assertEquals(1, fastAttempts.size(), fast.toString());
        assertEquals("HTTP 200: fast", fastAttempts.get(0).get("response"));
        assertTrue(durationMs(fastAttempts.get(0)) < 1500, "the call did not wait for the slow one: " + fastAttempts);

        // The slow endpoint's calls end by the timeout, never by its (late) answer.
        List<Map<String, Object>> timedOut = awaitOfRep(tenant, "rep-slow",
                list -> list.size() == SLOW_ALERTS && list.stream().allMatch(d -> attempts(d).size() >= 2));
        for (Map<String, Object> slow : timedOut) {
            for (Map<String, Object> attempt : attempts(slow)) {
                assertEquals("retry", attempt.get("outcome"), slow.toString());
                assertEquals("no answer: timed out", attempt.get("response"), slow.toString());
                assertTrue(durationMs(attempt) >= 1500, "cut off by the 2 s timeout: " + attempt);
            }
        }

        // Once it answers promptly again the retries deliver: its alerts were only delayed, never lost.
        answersPromptly(slowPath);
        for (Map<String, Object> slow : awaitOfRep(tenant, "rep-slow", all(SLOW_ALERTS, "delivered"))) {
            List<Map<String, Object>> attempts = attempts(slow);
            assertEquals("no answer: timed out", attempts.get(0).get("response"), slow.toString());
            assertEquals("HTTP 200: back", attempts.get(attempts.size() - 1).get("response"), slow.toString());
        }
        assertEquals(1, requests(fastPath), "the other endpoint got its alert exactly once");
    }

    @Test
    void endpointsOnOneHostDoNotQueueBehindEachOthersSlowCalls() {
        // Two endpoints on one host: two providers, but one connection pool in the HTTP client.
        SlowAndFast reps = slowAndFastReps("pool-", slowServer);
        String tenant = reps.tenant();
        String slowPath = reps.slowPath();

        // More slow calls in flight than Vert.x's default pool of 5 connections per host, fewer than the bulkhead.
        int slowAlerts = 8;
        for (int i = 1; i <= slowAlerts; i++) {
            produceSql(tenant, "lead-p" + i, "rep-slow");
        }
        // Every slow alert has been tried once (timed out) and is being retried: calls are in flight again.
        awaitOfRep(tenant, "rep-slow",
                list -> list.size() == slowAlerts && list.stream().allMatch(d -> !attempts(d).isEmpty()));
        produceSql(tenant, "lead-pf", "rep-fast");

        Map<String, Object> fast = awaitOfRep(tenant, "rep-fast", all(1, "delivered")).get(0);
        List<Map<String, Object>> fastAttempts = attempts(fast);
        assertEquals(1, fastAttempts.size(), fast.toString());
        assertEquals("HTTP 200: fast", fastAttempts.get(0).get("response"));
        assertTrue(durationMs(fastAttempts.get(0)) < 1500, "waited for a connection: " + fastAttempts);

        // Lets the slow alerts finish quickly instead of holding the receiver's threads.
        answersPromptly(slowPath);
    }

    @Test
    void aBurstToOneSlowEndpointLeavesTheTenantsOtherChannelsFree() throws Exception {
        SlowAndFast reps = slowAndFastReps("burst-", http);
        String tenant = reps.tenant();
        String slowPath = reps.slowPath();

        // More alerts to the slow endpoint than the tenant may have sends in flight (32), within what the endpoint's
        // bulkhead admits (16 calls, 64 waiting): sends waiting for the slow endpoint must not hold the tenant's slots.
        int burst = 40;
        NotificationFixtures.produceAll(Topics.LEADS_SQL, java.util.stream.IntStream.rangeClosed(1, burst)
                .mapToObj(i -> NotificationFixtures.stageChanged(tenant, "lead-b" + i, UUID.randomUUID().toString(),
                        "mql", "sql", "sql-hot", "rep-slow", true))
                .toList());
        awaitOfRep(tenant, "rep-slow", list -> list.size() == burst);
        Thread.sleep(300);
        produceSql(tenant, "lead-bf", "rep-fast");

        Map<String, Object> fast = awaitOfRep(tenant, "rep-fast", all(1, "delivered")).get(0);
        long waitedMs = Duration.between(instant(fast.get("createdAt")), instant(fast.get("deliveredAt"))).toMillis();
        assertTrue(waitedMs < 1500, "the other channel waited " + waitedMs + " ms for the tenant's slots: " + fast);
        assertEquals(1, attempts(fast).size(), fast.toString());
        // The slow endpoint's calls are still running into the timeout meanwhile.
        assertTrue(ofRep(tenant, "rep-slow").stream().noneMatch(d -> "delivered".equals(d.get("status"))));

        answersPromptly(slowPath);
    }

    @Test
    void aFailingEndpointOpensItsCircuitBreakerWhileOtherEndpointsStillDeliver() {
        String tenant = NotificationFixtures.newTenant();
        String downPath = "/down/" + tenant;
        String upPath = "/up/" + tenant;
        http.stubFor(post(urlPathEqualTo(downPath)).willReturn(aResponse().withStatus(500).withBody("boom")));
        http.stubFor(post(urlPathEqualTo(upPath)).willReturn(aResponse().withStatus(200).withBody("ok")));
        NotificationFixtures.putContact(tenant, "rep-down", webhookContact(http.baseUrl() + downPath));
        NotificationFixtures.putContact(tenant, "rep-up", webhookContact(http.baseUrl() + upPath));

        // Six alerts would take 36 calls to give up on one by one; the breaker opens after 20 failed calls.
        int alerts = 6;
        for (int i = 1; i <= alerts; i++) {
            produceSql(tenant, "lead-down-" + i, "rep-down");
        }
        List<Map<String, Object>> settled = awaitOfRep(tenant, "rep-down", list -> list.size() == alerts
                && list.stream().allMatch(d -> "failed".equals(d.get("status"))
                        || ("pending".equals(d.get("status")) && BREAKER_OPEN.equals(d.get("reason"))))
                && list.stream().anyMatch(d -> BREAKER_OPEN.equals(d.get("reason"))));
        Instant observed = Instant.now();

        int calls = requests(downPath);
        int recorded = settled.stream().mapToInt(d -> attempts(d).size()).sum();
        assertEquals(calls, recorded, "every call to the provider is an attempt in the log, and only those");
        assertTrue(calls >= BREAKER_VOLUME, "the breaker judged a full window of calls: " + calls);
        assertTrue(calls < alerts * MAX_ATTEMPTS, "the open breaker stopped the calls: " + calls);
        for (Map<String, Object> d : settled) {
            List<Map<String, Object>> attempts = attempts(d);
            assertTrue(attempts.stream().allMatch(a -> "HTTP 500: boom".equals(a.get("response"))), d.toString());
            if ("pending".equals(d.get("status"))) {
                assertTrue(attempts.size() < MAX_ATTEMPTS, d.toString());
                assertTrue(attempts.stream().allMatch(a -> "retry".equals(a.get("outcome"))), d.toString());
                // Put off for the breaker's delay (30 s), not retried at the usual back-off.
                assertTrue(instant(d.get("nextAttemptAt")).isAfter(observed.plusSeconds(15)), d.toString());
            } else {
                assertEquals(MAX_ATTEMPTS, attempts.size(), d.toString());
                assertEquals("gave up after 6 attempts: HTTP 500: boom", d.get("reason"));
            }
        }

        // Another endpoint (same tenant, same host) delivers at once while this one's breaker is open.
        produceSql(tenant, "lead-up-1", "rep-up");
        Map<String, Object> up = awaitOfRep(tenant, "rep-up", all(1, "delivered")).get(0);
        assertEquals(1, attempts(up).size(), up.toString());
        assertEquals("HTTP 200: ok", attempts(up).get(0).get("response"));
        assertEquals(1, requests(upPath));

        // A new alert for the failing endpoint is not attempted either, and the endpoint gets no calls while open.
        produceSql(tenant, "lead-down-new", "rep-down");
        Map<String, Object> refused = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> NotificationFixtures.deliveriesOf(tenant, "lead-down-new"),
                        list -> list.size() == 1 && BREAKER_OPEN.equals(list.get(0).get("reason")))
                .get(0);
        assertEquals("pending", refused.get("status"));
        assertTrue(attempts(refused).isEmpty(), refused.toString());
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> requests(downPath) == calls);
        assertFalse(ofRep(tenant, "rep-down").stream().anyMatch(d -> "delivered".equals(d.get("status"))));

        // Lets the postponed deliveries drain once the breaker lets a trial call through (after this test).
        http.stubFor(post(urlPathEqualTo(downPath)).willReturn(aResponse().withStatus(200).withBody("back")));
    }
}
