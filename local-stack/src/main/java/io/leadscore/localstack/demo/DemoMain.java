package io.leadscore.localstack.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.leadscore.contracts.ContractsJson;

/**
 * {@code bin/leadscore demo}: installs the demo tenant's models, routing policy, teams, reps and their contacts, then
 * replays a generated dataset through the public ingest API and shows what came out: the top hot leads, one alert as
 * delivered, and one lead's full explanation.
 *
 * <p>
 * Environment: {@code DEMO_TOKEN} (tenant {@code demo}, all roles), {@code LEADS} (default 5000), {@code SETUP_DIR}
 * (the JSON files to install, default {@code local-stack/src/main/resources/demo}).
 */
public final class DemoMain {

    static final String INGEST = env("INGEST_URL", "http://127.0.0.1:8081");
    static final String SCORING = env("SCORING_URL", "http://127.0.0.1:8082");
    static final String ROUTING = env("ROUTING_URL", "http://127.0.0.1:8083");
    static final String NOTIFICATION = env("NOTIFICATION_URL", "http://127.0.0.1:8084");
    static final ObjectMapper JSON = ContractsJson.mapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String token;
    private final Path setup;

    DemoMain(String token, Path setup) {
        this.token = token;
        this.setup = setup;
    }

    public static void main(String[] args) throws Exception {
        String token = System.getenv("DEMO_TOKEN");
        if (token == null || token.isBlank()) {
            System.err.println("DEMO_TOKEN is required (bin/leadscore demo sets it from .local/tenants.env)");
            System.exit(2);
        }
        new DemoMain(token, Path.of(env("SETUP_DIR", "local-stack/src/main/resources/demo"))).run(
                Integer.parseInt(env("LEADS", "5000")));
    }

    void run(int leads) throws Exception {
        long started = System.nanoTime();
        step("Installing scoring models (engagement, fit)");
        put(SCORING + "/v1/models/engagement", read("model-engagement.json"), 201);
        put(SCORING + "/v1/models/fit", read("model-fit.json"), 201);
        step("Installing the routing policy, teams and reps, and the reps' contacts");
        put(ROUTING + "/v1/routing/policy", read("routing-policy.json"), 200, 201);
        JsonNode setupJson = JSON.readTree(read("teams-and-reps.json"));
        // Reps name their team and teams name their manager: teams first without managers, then reps, then managers.
        for (JsonNode team : setupJson.get("teams")) {
            ObjectNode withoutManager = ((ObjectNode) team.get("team")).deepCopy();
            withoutManager.remove("managerRepId");
            put(ROUTING + "/v1/teams/" + team.get("id").asText(), withoutManager.toString(), 200, 201);
        }
        for (JsonNode rep : setupJson.get("reps")) {
            put(ROUTING + "/v1/reps/" + rep.get("id").asText(), rep.get("rep").toString(), 200, 201);
        }
        for (JsonNode team : setupJson.get("teams")) {
            put(ROUTING + "/v1/teams/" + team.get("id").asText(), team.get("team").toString(), 200, 201);
        }
        for (JsonNode rep : setupJson.get("reps")) {
            put(NOTIFICATION + "/v1/reps/" + rep.get("id").asText() + "/contact", rep.get("contact").toString(), 200,
                    201);
        }

        Instant now = Instant.now();
        List<DemoData.Event> events = DemoData.generate(leads, now, 20261124L);
        step(String.format(Locale.ROOT, "Replaying %,d events of %,d leads over the last 90 days through POST /v1/events",
                events.size(), leads));
        replay(events);
        step("Waiting for scoring and routing to catch up");
        waitForScores(events.get(events.size() - 1).leadId());

        step("Top 10 hot leads (engagement)");
        JsonNode top = JSON.readTree(get(SCORING + "/v1/leads?model=engagement&band=hot&limit=10"));
        System.out.printf("  %-12s %8s  %s%n", "lead", "score", "band");
        for (JsonNode lead : top.get("leads")) {
            System.out.printf(Locale.ROOT, "  %-12s %8.2f  %s%n", lead.get("leadId").asText(),
                    lead.get("score").asDouble(), lead.get("band").asText());
        }
        String leadId = top.get("leads").size() > 0 ? top.get("leads").get(0).get("leadId").asText() : "lead-00000";

        step("Sales feedback on a few routed leads (POST /v1/leads/{id}/feedback on routing)");
        recordSalesFeedback();

        step("One alert, exactly as delivered");
        printOneAlert();

        step("Why " + leadId + " scores what it does (engagement)");
        printExplanation(leadId);
        System.out.printf(Locale.ROOT, "%nDemo finished in %.0f s. The stack stays up: OpenAPI UIs at "
                + "http://127.0.0.1:808{1,2,3,4}/q/swagger-ui; stop it with bin/leadscore down.%n",
                (System.nanoTime() - started) / 1e9);
        // What a rep's browser does: its own token opens its own live stream (and no other rep's).
        System.out.println("Watch rep-anna's alerts arrive live, with her own token:\n  curl -N -H \"Authorization: "
                + "Bearer $(bin/leadscore token --tenant demo --roles rep --rep rep-anna)\" "
                + NOTIFICATION + "/v1/reps/rep-anna/alerts/stream");
    }

    void replay(List<DemoData.Event> events) throws Exception {
        int batch = 1000;
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < events.size(); i += batch) {
            ArrayNode array = JSON.createArrayNode();
            for (DemoData.Event e : events.subList(i, Math.min(events.size(), i + batch))) {
                ObjectNode node = array.addObject();
                node.put("eventId", e.eventId()).put("leadId", e.leadId()).put("type", e.type())
                        .put("occurredAt", e.occurredAt().toString());
                if (!e.properties().isEmpty()) {
                    node.set("properties", JSON.valueToTree(e.properties()));
                }
                if (e.attributes() != null) {
                    node.set("attributes", JSON.valueToTree(e.attributes()));
                }
            }
            ObjectNode body = JSON.createObjectNode();
            body.set("events", array);
            bodies.add(body.toString());
        }
        AtomicInteger done = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (String body : bodies) {
            futures.add(pool.submit(() -> {
                HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(INGEST + "/v1/events"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)));
                if (response.statusCode() != 202) {
                    throw new IllegalStateException("POST /v1/events → " + response.statusCode() + " " + response.body());
                }
                accepted.addAndGet(JSON.readTree(response.body()).get("accepted").asInt()
                        + JSON.readTree(response.body()).get("duplicates").asInt());
                progress(done.incrementAndGet(), bodies.size(), accepted.get(), start);
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        System.out.println();
    }

    static synchronized void progress(int done, int total, int events, long start) {
        int width = 40;
        int filled = done * width / total;
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "\r  [%s%s] %3d%%  %,d events  %,.0f events/s", "#".repeat(filled),
                ".".repeat(width - filled), done * 100 / total, events, events / Math.max(seconds, 0.001));
        System.out.flush();
    }

    void waitForScores(String lastLead) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(SCORING + "/v1/leads/" + lastLead
                    + "/scores")).GET());
            if (r.statusCode() == 200) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("scores did not appear within 3 minutes");
    }

    void printOneAlert() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(NOTIFICATION
                + "/v1/notifications?status=delivered&limit=1")).GET());
        if (r.statusCode() != 200) {
            System.out.println("  (the delivery log answered " + r.statusCode() + ")");
            return;
        }
        JsonNode log = JSON.readTree(r.body());
        JsonNode first = log.isArray() ? log.get(0) : log.path("deliveries").get(0);
        if (first == null) {
            System.out.println("  (no alert delivered yet)");
            return;
        }
        System.out.println(indent(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(first)));
        Path mailDir = Path.of(env("MAIL_DIR", ".local/mail"));
        if (Files.isDirectory(mailDir)) {
            try (var files = Files.list(mailDir)) {
                var newest = files.filter(f -> f.toString().endsWith(".eml")).max(java.util.Comparator.naturalOrder());
                if (newest.isPresent()) {
                    System.out.println("\n  The e-mail as the SMTP server received it (" + newest.get() + "):\n");
                    List<String> lines = Files.readAllLines(newest.get(), StandardCharsets.UTF_8);
                    lines.stream().limit(80).forEach(line -> System.out.println("  | " + line));
                    if (lines.size() > 80) {
                        System.out.println("  | … (" + (lines.size() - 80) + " more lines)");
                    }
                }
            }
        }
    }

    void printExplanation(String leadId) throws Exception {
        JsonNode body = JSON.readTree(get(SCORING + "/v1/leads/" + leadId + "/scores/engagement/explanation"));
        JsonNode ex = body.get("explanation");
        System.out.printf("  %-26s %-16s %-20s %7s %7s %9s%n", "occurredAt", "event", "rule", "points", "decay",
                "effective");
        for (JsonNode c : ex.get("contributions")) {
            System.out.printf(Locale.ROOT, "  %-26s %-16s %-20s %7.1f %7.4f %9.4f%n",
                    c.path("occurredAt").asText(c.path("attribute").asText("")), c.path("eventType").asText("attribute"),
                    label(c), c.get("points").asDouble(), c.get("decayFactor").asDouble(),
                    c.get("effectivePoints").asDouble());
        }
        for (JsonNode x : ex.get("excluded")) {
            System.out.printf("  %-26s %-16s %-20s excluded: %s%n", x.get("occurredAt").asText(),
                    x.get("eventType").asText(), label(x), x.get("reason").asText());
        }
        System.out.printf(Locale.ROOT, "  raw %.4f → score %.4f (floor %s, cap %s), band %s, model version %d%n",
                ex.get("raw").asDouble(), ex.get("score").asDouble(), ex.path("floor").asText("none"),
                ex.path("cap").asText("none"), ex.get("band").asText(), ex.get("modelVersion").asInt());
    }

    /** The rule's label, or its id from a scoring service that sends none. */
    static String label(JsonNode contribution) {
        return contribution.path("label").asText(contribution.get("ruleId").asText());
    }

    String read(String name) throws Exception {
        return Files.readString(setup.resolve(name), StandardCharsets.UTF_8);
    }

    /**
     * Sales answers for the top leads of the SQL and MQL queues: a conversion, an acceptance and a rejection, each
     * moving the lead's stage and appending a sales_outcome event to its log.
     */
    void recordSalesFeedback() throws Exception {
        List<String[]> plan = new ArrayList<>();
        JsonNode sql = JSON.readTree(get(ROUTING + "/v1/queues/sql?limit=2")).get("items");
        JsonNode mql = JSON.readTree(get(ROUTING + "/v1/queues/mql?limit=1")).get("items");
        if (sql.size() > 0) {
            plan.add(new String[]{sql.get(0).get("leadId").asText(), "converted", "signed the annual plan"});
        }
        if (sql.size() > 1) {
            plan.add(new String[]{sql.get(1).get("leadId").asText(), "accepted", "call booked"});
        }
        if (mql.size() > 0) {
            plan.add(new String[]{mql.get(0).get("leadId").asText(), "rejected", "student, not a buyer"});
        }
        for (String[] p : plan) {
            String body = JSON.writeValueAsString(Map.of("outcome", p[1], "reason", p[2]));
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(ROUTING + "/v1/leads/" + p[0] + "/feedback"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
            if (r.statusCode() == 200) {
                JsonNode outcome = JSON.readTree(r.body());
                System.out.printf("  %-12s %-9s → stage %s (%s)%n", p[0], p[1], outcome.get("stage").asText(), p[2]);
            } else {
                System.out.printf("  %-12s %-9s → %d %s%n", p[0], p[1], r.statusCode(), r.body());
            }
        }
        if (plan.isEmpty()) {
            System.out.println("  (no routed leads yet)");
        }
    }

    void put(String url, String body, int... okStatuses) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
        for (int ok : okStatuses) {
            if (r.statusCode() == ok) {
                return;
            }
        }
        throw new IllegalStateException("PUT " + url + " → " + r.statusCode() + " " + r.body());
    }

    String get(String url) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).GET());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " → " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static void step(String what) {
        System.out.println();
        System.out.println("\033[1m== " + what + "\033[0m");
    }

    static String indent(String text) {
        return "  " + text.replace("\n", "\n  ");
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
