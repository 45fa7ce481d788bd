package io.leadscore.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.leadscore.contracts.ContractsJson;

/**
 * Event-to-alert latency at fixed offered loads ({@code SCENARIOS=latency}).
 *
 * <p>
 * The bench tenant gets the demo's routing policy, teams and reps (from {@code local-stack}'s demo setup, with
 * capacity raised so no lead waits for an owner) and a webhook contact for SQL alerts; the bench then watches every
 * rep's live alert stream. For each rate in {@code LATENCY_RATES} (events/s, default 250,500,1000,5000) it first primes
 * fresh "trigger" leads with a pricing-page view (15 points, cold) — one in ten also with a senior, mid-market profile
 * (fit A) — and waits until the pipeline is idle. Then it sends small batches ({@code LATENCY_BATCH} events, default
 * 25) through {@code POST /v1/events} at the offered rate, open loop, from {@code LATENCY_CONNECTIONS} keep-alive
 * connections. Each batch holds one demo request for a primed lead (+40 → hot → MQL, or SQL for fit A) and otherwise
 * background page views and e-mail opens of other leads. Latency runs from the moment the batch was due to be sent
 * (so a client or server stall counts) to the moment that lead's alert arrives on the stream.
 *
 * <p>
 * A rate the pipeline cannot sustain makes latency grow without bound; when the oldest unanswered trigger is older than
 * {@code LATENCY_ABORT_S} (default 10 s) sending stops and the rate is reported as saturated. Alerts still missing
 * after the drain ({@code LATENCY_DRAIN_S}, default 30 s) count as slower than every received one.
 */
final class LatencyScenario {

    /** One offered load's outcome, for the report's chart. */
    record Point(double offered, double achieved, int expected, int received, double p50, double p95, double p99,
            boolean saturated) {
    }

    /** The points measured in this run, in the order measured. */
    static final List<Point> POINTS = Collections.synchronizedList(new ArrayList<>());

    static final String ROUTING = BenchMain.env("ROUTING_URL", "http://127.0.0.1:8083");
    static final String NOTIFICATION = BenchMain.env("NOTIFICATION_URL", "http://127.0.0.1:8084");
    static final Path DEMO_SETUP = Path.of(BenchMain.env("LEADSCORE_DEMO_SETUP", "../local-stack/src/main/resources/demo"));
    static final String RECEIVER = BenchMain.env("LEADSCORE_HTTP_RECEIVER", "http://127.0.0.1:8086");

    private final BenchMain bench;
    private final int batch = Integer.parseInt(BenchMain.env("LATENCY_BATCH", "25"));
    private final int connections = Integer.parseInt(BenchMain.env("LATENCY_CONNECTIONS", "32"));
    private final long abortNanos = (long) (Double.parseDouble(BenchMain.env("LATENCY_ABORT_S", "10")) * 1e9);
    private final long drainNanos = (long) (Double.parseDouble(BenchMain.env("LATENCY_DRAIN_S", "30")) * 1e9);
    private final String run = Long.toString(System.currentTimeMillis(), 36);

    LatencyScenario(BenchMain bench) {
        this.bench = bench;
    }

    void run() throws Exception {
        List<String> reps = provision();
        Map<String, Long> due = new ConcurrentHashMap<>();
        Map<String, Long> warmup = new ConcurrentHashMap<>();
        Samples[] current = {new Samples()};
        Samples[] routed = {new Samples()};
        Samples[] afterRouting = {new Samples()};
        AlertSink sink = new AlertSink(due, warmup, current, routed, afterRouting);
        try (AlertListener listener = AlertListener.open(NOTIFICATION, BenchMain.TOKEN, reps, sink)) {
            for (String rate : BenchMain.env("LATENCY_RATES", "250,500,1000,5000").split(",")) {
                measure(Double.parseDouble(rate.trim()), due, warmup, current, routed, afterRouting);
            }
            System.out.printf(Locale.ROOT, "  (%,d alerts seen on the streams in all)%n", listener.alerts());
        }
    }

    /**
     * Routes arriving alerts to the trigger that caused them; alerts for other leads are ignored. The alert's
     * {@code occurredAt} (routing's decision time, same machine clock) splits each latency in two: send → routed, and
     * routed → on the stream (routing's outbox, notification's consumer and transaction, the live stream).
     */
    private record AlertSink(Map<String, Long> due, Map<String, Long> warmup, Samples[] current, Samples[] routed,
            Samples[] afterRouting)
            implements
                AlertListener.OnAlert {

        @Override
        public void alert(String leadId, String kind, java.time.Instant routedAt, long arrivedNanos) {
            Long sent = due.remove(leadId);
            if (sent != null) {
                current[0].add(arrivedNanos - sent);
                if (routedAt != null) {
                    long routedEpochNanos = routedAt.getEpochSecond() * 1_000_000_000L + routedAt.getNano();
                    long routedNanos = NANO_BASE + (routedEpochNanos - WALL_BASE);
                    routed[0].add(routedNanos - sent);
                    afterRouting[0].add(arrivedNanos - routedNanos);
                }
            } else {
                warmup.remove(leadId);
            }
        }
    }

    /** The wall clock and the monotonic clock read together once, to place routing's timestamps on the latter. */
    private static final long WALL_BASE = System.currentTimeMillis() * 1_000_000L;
    private static final long NANO_BASE = System.nanoTime();

    // ---- the bench tenant's routing setup ----------------------------------------------------------------------

    /** Installs the demo's routing policy, teams and reps for the bench tenant; returns the rep ids. */
    List<String> provision() throws Exception {
        put(ROUTING + "/v1/routing/policy", read("routing-policy.json"));
        JsonNode setup = ContractsJson.mapper().readTree(read("teams-and-reps.json"));
        // Reps name their team and teams name their manager: teams first without managers, then reps, then managers.
        for (JsonNode team : setup.get("teams")) {
            ObjectNode withoutManager = ((ObjectNode) team.get("team")).deepCopy();
            withoutManager.remove("managerRepId");
            put(ROUTING + "/v1/teams/" + team.get("id").asText(), withoutManager.toString());
        }
        List<String> reps = new ArrayList<>();
        for (JsonNode rep : setup.get("reps")) {
            String id = rep.get("id").asText();
            ObjectNode body = ((ObjectNode) rep.get("rep")).deepCopy();
            // Every trigger lead becomes an open MQL/SQL: the demo's capacity of 400 would leave later ones ownerless.
            body.put("capacity", 100_000);
            put(ROUTING + "/v1/reps/" + id, body.toString());
            // SSE carries every alert; SQL alerts also go out as a signed webhook to the local HTTP receiver, so the
            // delivery path is loaded too (and timed by notification's own histogram). No mail or SMS: at these rates
            // they would measure the catch-all servers, not Leadscore.
            ObjectNode contact = ContractsJson.mapper().createObjectNode();
            contact.put("webhookUrl", RECEIVER + "/hooks/bench");
            contact.put("webhookSecret", rep.get("contact").get("webhookSecret").asText());
            contact.putObject("channels").putArray("sql").add("webhook");
            put(NOTIFICATION + "/v1/reps/" + id + "/contact", contact.toString());
            reps.add(id);
        }
        for (JsonNode team : setup.get("teams")) {
            put(ROUTING + "/v1/teams/" + team.get("id").asText(), team.get("team").toString());
        }
        return reps;
    }

    private static String read(String name) throws Exception {
        return Files.readString(DEMO_SETUP.resolve(name), StandardCharsets.UTF_8);
    }

    private static void put(String url, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + BenchMain.TOKEN)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = BenchMain.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw new IllegalStateException("PUT " + url + " → " + response.statusCode() + " " + response.body());
        }
    }

    // ---- one offered load -----------------------------------------------------------------------------------------

    void measure(double rate, Map<String, Long> due, Map<String, Long> warmup, Samples[] current, Samples[] routed,
            Samples[] afterRouting)
            throws Exception {
        long interval = (long) (1e9 * batch / rate);
        long warm = (long) (Math.max(3, 5 * BenchMain.SCALE) * 1e9);
        long measured = (long) (Math.max(10, 30 * BenchMain.SCALE) * 1e9);
        int requests = (int) ((warm + measured) / interval) + 1;
        String prefix = "lt-" + run + "-" + (int) rate + "-";
        prime(prefix, requests);
        if (!Pipeline.waitIdle(180)) {
            System.out.println("  (measuring anyway)");
        }

        Samples latency = new Samples();
        Samples toRouted = new Samples();
        Samples routedToStream = new Samples();
        current[0] = latency;
        routed[0] = toRouted;
        afterRouting[0] = routedToStream;
        AtomicLong next = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong lastDue = new AtomicLong();
        var scoreBefore = Pipeline.histogram(BenchMain.SCORING, "leadscore_event_to_score_latency_seconds", "");
        var webhookBefore = Pipeline.histogram(NOTIFICATION, "leadscore_notification_alert_latency_seconds",
                "channel=\"webhook\"");
        var dispatchBefore = Pipeline.histogram(NOTIFICATION, "leadscore_notification_alert_dispatch_seconds",
                "channel=\"webhook\"");
        long begin = System.nanoTime() + 200_000_000;
        long measureFrom = begin + warm;
        long end = measureFrom + measured;
        AtomicLong stopAt = new AtomicLong(end);
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            workers.add(pool.submit(() -> {
                try (IngestClient client = new IngestClient(BenchMain.INGEST, "/v1/events", BenchMain.TOKEN)) {
                    for (long i = next.getAndIncrement();; i = next.getAndIncrement()) {
                        long at = begin + i * interval;
                        if (at >= stopAt.get() || i >= requests) {
                            return null;
                        }
                        String trigger = prefix + i;
                        byte[] body = body(trigger, prefix);
                        for (long wait = at - System.nanoTime(); wait > 0; wait = at - System.nanoTime()) {
                            LockSupport.parkNanos(wait);
                        }
                        boolean counted = at >= measureFrom;
                        (counted ? due : warmup).put(trigger, at);
                        int status = client.post(body);
                        if (counted) {
                            (status == 202 ? accepted : refused).incrementAndGet();
                            lastDue.accumulateAndGet(at, Math::max);
                        }
                        if (status != 202) {
                            due.remove(trigger);
                            warmup.remove(trigger);
                        }
                    }
                }
            }));
        }
        boolean saturated = false;
        while (workers.stream().anyMatch(f -> !f.isDone())) {
            Thread.sleep(200);
            long now = System.nanoTime();
            long oldest = due.values().stream().mapToLong(Long::longValue).min().orElse(now);
            if (!saturated && now - oldest > abortNanos) {
                saturated = true;
                stopAt.set(now);
                System.out.printf(Locale.ROOT, "  %,.0f events/s: an alert is %.0f s late; stopping (saturated)%n",
                        rate, (now - oldest) / 1e9);
            }
        }
        for (Future<?> f : workers) {
            f.get();
        }
        pool.shutdown();
        long sentUntil = Math.max(lastDue.get(), measureFrom + 1);
        long drainUntil = System.nanoTime() + drainNanos;
        while (!due.isEmpty() && System.nanoTime() < drainUntil) {
            Thread.sleep(100);
        }
        int missing = due.size();
        due.clear();
        warmup.clear();
        var scoreAfter = Pipeline.histogram(BenchMain.SCORING, "leadscore_event_to_score_latency_seconds", "");
        var webhookAfter = Pipeline.histogram(NOTIFICATION, "leadscore_notification_alert_latency_seconds",
                "channel=\"webhook\"");
        var dispatchAfter = Pipeline.histogram(NOTIFICATION, "leadscore_notification_alert_dispatch_seconds",
                "channel=\"webhook\"");

        double seconds = (sentUntil - measureFrom) / 1e9 + interval / 1e9;
        double achieved = accepted.get() * batch / seconds;
        int received = latency.count();
        int expected = received + missing;
        double[] p = {percentile(latency, expected, 50), percentile(latency, expected, 95),
                percentile(latency, expected, 99)};
        POINTS.add(new Point(rate, achieved, expected, received, p[0], p[1], p[2], saturated || missing > 0));
        double[] r = toRouted.count() == 0
                ? new double[]{Double.NaN, Double.NaN}
                : new double[]{percentile(toRouted, toRouted.count(), 50), percentile(toRouted, toRouted.count(), 99)};
        double[] a = routedToStream.count() == 0
                ? new double[]{Double.NaN, Double.NaN}
                : new double[]{percentile(routedToStream, routedToStream.count(), 50),
                        percentile(routedToStream, routedToStream.count(), 99)};
        String split = String.format(Locale.ROOT, "; of which send → routing decided p50 %s, p99 %s, routing decided → "
                + "on the stream p50 %s, p99 %s", bound(r[0]), bound(r[1]), bound(a[0]), bound(a[1]));
        String crossCheck = split + String.format(Locale.ROOT, "; services' own histograms: ingest→scored p99 ≤ %s, "
                + "ingest→webhook accepted p99 ≤ %s, routing message in notification→webhook accepted p99 ≤ %s",
                bound(Pipeline.percentileMillis(scoreBefore, scoreAfter, 99)),
                bound(Pipeline.percentileMillis(webhookBefore, webhookAfter, 99)),
                bound(Pipeline.percentileMillis(dispatchBefore, dispatchAfter, 99)));
        bench.row(String.format(Locale.ROOT, "event-to-alert latency at %,.0f events/s offered (SSE)", rate),
                String.format(Locale.ROOT, "p50 %s, p95 %s, p99 %s (%,d of %,d alerts%s; %,.0f events/s sent%s%s)%s",
                        ms(p[0]), ms(p[1]), ms(p[2]), received, expected,
                        missing > 0 ? String.format(Locale.ROOT, ", %,d missing after %.0f s", missing, drainNanos / 1e9) : "",
                        achieved, refused.get() > 0 ? String.format(Locale.ROOT, ", %,d requests refused", refused.get()) : "",
                        saturated ? ", saturated: sending stopped early" : "", crossCheck),
                rate == 1000 ? "p99 ≤ 250 ms" : "—");
        current[0] = new Samples();
        routed[0] = new Samples();
        afterRouting[0] = new Samples();
    }

    /** Percentile over every expected alert, missing ones counting as slower than all received (then +∞). */
    private static double percentile(Samples received, int expected, double p) {
        if (expected == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * expected) - 1;
        if (index >= received.count()) {
            return Double.POSITIVE_INFINITY;
        }
        return received.sortedMillis()[Math.max(0, index)];
    }

    private String ms(double millis) {
        if (Double.isInfinite(millis)) {
            return "> " + (long) (drainNanos / 1e9) + " s (missing)";
        }
        return millis >= 10_000
                ? String.format(Locale.ROOT, "%.1f s", millis / 1000)
                : String.format(Locale.ROOT, "%,.0f ms", millis);
    }

    private static String bound(double millis) {
        if (Double.isNaN(millis)) {
            return "n/a";
        }
        return Double.isInfinite(millis) ? "∞" : String.format(Locale.ROOT, "%,.0f ms", millis);
    }

    // ---- what is sent ---------------------------------------------------------------------------------------------

    /** The priming events of every trigger lead of one rate, sent closed-loop in large batches before the clock runs. */
    private void prime(String prefix, int leads) throws Exception {
        try (IngestClient client = new IngestClient(BenchMain.INGEST, "/v1/events", BenchMain.TOKEN)) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < leads; i += 500) {
                body.setLength(0);
                body.append("{\"events\":[");
                for (int j = i; j < Math.min(leads, i + 500); j++) {
                    if (j > i) {
                        body.append(',');
                    }
                    String lead = prefix + j;
                    if (j % 10 == 0) {
                        body.append("{\"leadId\":\"").append(lead).append("\",\"type\":\"profile_updated\",")
                                .append("\"attributes\":{\"jobTitle\":\"VP Sales\",\"companySize\":500}},");
                    }
                    body.append("{\"leadId\":\"").append(lead).append("\",\"type\":\"page_view\",")
                            .append("\"properties\":{\"url\":\"https://example.com/pricing\"}}");
                }
                body.append("]}");
                int status = client.post(body.toString().getBytes(StandardCharsets.UTF_8));
                if (status != 202) {
                    throw new IllegalStateException("priming trigger leads: POST /v1/events → " + status);
                }
            }
        }
    }

    /** One paced request: the trigger lead's demo request, then background events of other leads. */
    private byte[] body(String trigger, String prefix) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder b = new StringBuilder(batch * 110).append("{\"events\":[{\"leadId\":\"").append(trigger)
                .append("\",\"type\":\"demo_request\",\"properties\":{\"campaign\":\"bench\"}}");
        for (int i = 1; i < batch; i++) {
            b.append(",{\"leadId\":\"").append(prefix).append("bg-").append(random.nextInt(5_000));
            if (random.nextInt(10) < 3) {
                b.append("\",\"type\":\"email_open\",\"properties\":{\"campaign\":\"q4\"}}");
            } else {
                b.append("\",\"type\":\"page_view\",\"properties\":{\"url\":\"https://example.com/blog/")
                        .append(random.nextInt(100)).append("\"}}");
            }
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Alert latencies of one offered load, in nanoseconds. */
    static final class Samples {
        private long[] values = new long[1024];
        private int size;

        synchronized void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
        }

        synchronized int count() {
            return size;
        }

        synchronized double[] sortedMillis() {
            long[] copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return Arrays.stream(copy).mapToDouble(v -> v / 1e6).toArray();
        }
    }
}
