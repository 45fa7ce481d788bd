package io.leadscore.notification.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.contracts.Topics;
import io.leadscore.notification.NotificationFixtures;
import io.leadscore.notification.NotificationTestInfra;
import io.leadscore.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** A real HTTP client reads the Server-Sent Events stream while a routing message is produced. */
@QuarkusTest
@WithTestResource(NotificationTestInfra.class)
class AlertStreamTest {

    @TestHTTPResource("/")
    URL base;

    /** An open stream: its lines, as they arrive. */
    record OpenStream(HttpResponse<java.util.stream.Stream<String>> response, BlockingQueue<String> lines) {
        /** The next event of this name: its id and data lines, or null when none comes in time. */
        String[] next(String event, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            String id = null;
            String name = null;
            while (System.nanoTime() < deadline) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    return null;
                }
                if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("data:") && event.equals(name)) {
                    return new String[]{id, line.substring(5).trim()};
                } else if (line.isEmpty()) {
                    name = null;
                    id = null;
                }
            }
            return null;
        }
    }

    OpenStream open(String tenant, String repId) throws Exception {
        return openWith(repId, Tokens.token(tenant, "read"));
    }

    OpenStream openWith(String repId, String token) throws Exception {
        return openWith(repId, token, null);
    }

    /** What the reader adds once the server has ended the response. */
    static final String ENDED = "<response ended>";

    OpenStream openWith(String repId, String token, String lastEventId) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base.toString() + "v1/reps/" + repId
                + "/alerts/stream")).header("Authorization", Tokens.bearer(token))
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            builder.header("Last-Event-ID", lastEventId);
        }
        HttpRequest request = builder.build();
        HttpResponse<java.util.stream.Stream<String>> response = HttpClient.newHttpClient().sendAsync(request,
                HttpResponse.BodyHandlers.ofLines()).get(10, TimeUnit.SECONDS);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (java.util.stream.Stream<String> body = response.body()) {
                body.forEach(lines::add);
                lines.add(ENDED);
            } catch (RuntimeException e) {
                // The stream was closed by the test.
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        return new OpenStream(response, lines);
    }

    @Test
    void theRepsStreamShowsTheAlertTheMomentItIsRecordedAndOnlyToThatRepAndTenant() throws Exception {
        String tenant = NotificationFixtures.newTenant();
        OpenStream mine = open(tenant, "rep-1");
        OpenStream otherRep = open(tenant, "rep-2");
        OpenStream otherTenant = open(NotificationFixtures.newTenant(), "rep-1");
        assertEquals(200, mine.response().statusCode());
        assertTrue(mine.response().headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        assertNotNull(mine.next("ready", Duration.ofSeconds(10)));
        assertNotNull(otherRep.next("ready", Duration.ofSeconds(10)));
        assertNotNull(otherTenant.next("ready", Duration.ofSeconds(10)));

        // The rep has no contact details at all: the stream still shows the alert.
        NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, "lead-1",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true));
        String[] alert = mine.next("alert", Duration.ofSeconds(15));
        assertNotNull(alert, "no alert event arrived");
        JsonNode data = ContractsJson.mapper().readTree(alert[1]);
        assertEquals("lead-1", data.get("leadId").asText());
        assertEquals("sql", data.get("kind").asText());
        assertEquals("New SQL: Ana Silva", data.get("headline").asText());
        assertEquals("Viewed pricing 3× (+44.7)", data.at("/reasons/0").asText());
        assertEquals("Engagement 87 (hot)", data.at("/reasons/3").asText());
        assertEquals(alert[0], data.get("alertId").asText());

        assertNull(otherRep.next("alert", Duration.ofMillis(500)));
        assertNull(otherTenant.next("alert", Duration.ofMillis(100)));
    }

    @Test
    void aRepsOwnTokenOpensThatRepsStreamAndNoOtherRepsStream() throws Exception {
        String tenant = NotificationFixtures.newTenant();
        OpenStream mine = openWith("rep-1", Tokens.repToken(tenant, "rep-1"));
        assertEquals(200, mine.response().statusCode());
        assertNotNull(mine.next("ready", Duration.ofSeconds(10)));
        NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, "lead-7",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true));
        String[] alert = mine.next("alert", Duration.ofSeconds(15));
        assertNotNull(alert, "no alert event arrived on the rep's own stream");
        assertEquals("lead-7", ContractsJson.mapper().readTree(alert[1]).get("leadId").asText());

        OpenStream someoneElses = openWith("rep-2", Tokens.repToken(tenant, "rep-1"));
        assertEquals(403, someoneElses.response().statusCode());
        String body = String.join("\n", drain(someoneElses));
        assertTrue(body.contains("this token belongs to rep 'rep-1' and can only open that rep's alert stream"), body);

        // A rep token that does not say which rep it belongs to is refused outright.
        assertEquals(401, openWith("rep-1", Tokens.repToken(tenant, null)).response().statusCode());
        // So is one whose rep claim is no rep id (it could never match a rep, and ids go into messages and logs).
        assertEquals(401, openWith("rep-1", Tokens.repToken(tenant, "rep 1/../x")).response().statusCode());
        // Tenant-wide readers (a team lead's dashboard) still open any rep's stream.
        assertEquals(200, open(tenant, "rep-2").response().statusCode());
    }

    /** The lines of a response that ends by itself (an error), read until it does. */
    private static List<String> drain(OpenStream stream) throws InterruptedException {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = stream.lines().poll(2, TimeUnit.SECONDS)) != null) {
            lines.add(line);
        }
        return lines;
    }

    @Test
    void aBurstOfAlertsAllReachTheStreamAndItStaysOpen() throws Exception {
        String tenant = NotificationFixtures.newTenant();
        OpenStream mine = open(tenant, "rep-1");
        assertNotNull(mine.next("ready", Duration.ofSeconds(10)));
        int burst = 60;
        // The SSE writer asks for one item at a time; alerts committed together arrive faster than it asks.
        NotificationFixtures.produceAll(Topics.LEADS_SQL, java.util.stream.IntStream.range(0, burst)
                .mapToObj(i -> NotificationFixtures.stageChanged(tenant, "lead-" + i, UUID.randomUUID().toString(),
                        "mql", "sql", "sql-hot", "rep-1", true))
                .toList());
        java.util.Set<String> leads = new java.util.HashSet<>();
        for (int i = 0; i < burst; i++) {
            String[] alert = mine.next("alert", Duration.ofSeconds(20));
            assertNotNull(alert, "only " + leads.size() + " of " + burst + " alerts arrived");
            leads.add(ContractsJson.mapper().readTree(alert[1]).get("leadId").asText());
        }
        assertEquals(burst, leads.size());
    }

    @jakarta.inject.Inject
    AlertStream alertStream;

    @Test
    void aSubscriberThatIsNotReadyYetGetsTheAlertsLaterInsteadOfLosingItsStream() throws Exception {
        String tenant = NotificationFixtures.newTenant();
        // Like the SSE writer: one item requested, the next only once the previous one is written.
        var subscriber = alertStream.subscribe(tenant, "rep-slow").subscribe()
                .withSubscriber(io.smallrye.mutiny.helpers.test.AssertSubscriber.<StreamedAlert>create(1));
        for (int i = 0; i < 3; i++) {
            NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, "lead-" + i,
                    UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-slow", true));
        }
        subscriber.awaitItems(1, Duration.ofSeconds(20));
        Thread.sleep(1_000);
        subscriber.assertNotTerminated();
        subscriber.request(10);
        subscriber.awaitItems(3, Duration.ofSeconds(20));
        subscriber.assertNotTerminated();
        subscriber.cancel();
    }

    /**
     * A browser's EventSource reconnects with the last id it saw: the alerts recorded while it was away come first,
     * oldest first, then the live ones, none twice.
     */
    @Test
    void aReconnectingStreamGetsTheAlertsItMissedThenTheLiveOnes() throws Exception {
        String tenant = NotificationFixtures.newTenant();
        String token = Tokens.token(tenant, "read");
        OpenStream first = open(tenant, "rep-1");
        assertNotNull(first.next("ready", Duration.ofSeconds(10)));
        NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, "lead-1",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true));
        String seen = first.next("alert", Duration.ofSeconds(15))[0];
        // Two more alerts while that client is away (another stream shows when they are recorded).
        for (String lead : List.of("lead-2", "lead-3")) {
            NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, lead,
                    UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true));
            assertNotNull(first.next("alert", Duration.ofSeconds(15)));
        }

        OpenStream again = openWith("rep-1", token, seen);
        assertEquals(200, again.response().statusCode());
        List<String> leads = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String[] alert = again.next("alert", Duration.ofSeconds(15));
            assertNotNull(alert, "replayed so far: " + leads);
            ids.add(Long.parseLong(alert[0]));
            leads.add(ContractsJson.mapper().readTree(alert[1]).get("leadId").asText());
        }
        assertEquals(List.of("lead-2", "lead-3"), leads);
        assertTrue(ids.get(0) > Long.parseLong(seen) && ids.get(1) > ids.get(0), ids.toString());
        NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, "lead-4",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true));
        String[] live = again.next("alert", Duration.ofSeconds(15));
        assertNotNull(live);
        assertEquals("lead-4", ContractsJson.mapper().readTree(live[1]).get("leadId").asText());
        assertNull(again.next("alert", Duration.ofMillis(500)), "nothing twice");

        OpenStream bad = openWith("rep-1", token, "yesterday");
        assertEquals(400, bad.response().statusCode());
        String body = String.join("\n", drain(bad));
        assertTrue(body.contains("Last-Event-ID") && body.contains("'yesterday' is not the id of an alert event"), body);
    }

    @jakarta.inject.Inject
    io.leadscore.security.RevokedTokens revokedTokens;

    /** A stream outlives neither its token's revocation nor its expiry. */
    @Test
    void aStreamEndsWhenItsTokenIsRevokedOrExpires() throws Exception {
        String tenant = NotificationFixtures.newTenant();
        String tokenId = UUID.randomUUID().toString();
        OpenStream revoked = openWith("rep-1", Tokens.tokenWithId(tokenId, tenant, "read"));
        assertNotNull(revoked.next("ready", Duration.ofSeconds(10)));
        revokedTokens.apply(new io.leadscore.contracts.TokenRevoked(1, tenant, tokenId, java.time.Instant.now(),
                "admin@" + tenant, java.time.Instant.now().plus(Duration.ofHours(1))));
        NotificationFixtures.produce(Topics.LEADS_SQL, NotificationFixtures.stageChanged(tenant, "lead-1",
                UUID.randomUUID().toString(), "mql", "sql", "sql-hot", "rep-1", true));
        List<String> rest = drain(revoked);
        assertTrue(rest.stream().noneMatch(line -> line.startsWith("event:alert")), "the alert is not shown: " + rest);
        assertEquals(ENDED, rest.get(rest.size() - 1), "the stream ends: " + rest);

        OpenStream expiring = openWith("rep-1", Tokens.tokenExpiringIn(Duration.ofSeconds(3), tenant, "read"));
        assertNotNull(expiring.next("ready", Duration.ofSeconds(10)));
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String line = "";
        while (!ENDED.equals(line) && line != null) {
            line = expiring.lines().poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        assertEquals(ENDED, line, "the stream ends when its token expires");
    }

    @Test
    void theStreamNeedsAReadToken() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base.toString() + "v1/reps/rep-1/alerts/stream"))
                .header("Accept", "text/event-stream").build();
        assertEquals(401, HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding())
                .statusCode());
        HttpRequest ingestOnly = HttpRequest.newBuilder(URI.create(base.toString() + "v1/reps/rep-1/alerts/stream"))
                .header("Authorization", Tokens.bearer(Tokens.token("acme", "ingest"))).build();
        assertEquals(403, HttpClient.newHttpClient().send(ingestOnly, HttpResponse.BodyHandlers.discarding())
                .statusCode());
    }
}
