package io.leadscore.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What the bench can see of the pipeline from outside: consumer lag per service, and the services' histograms. */
final class Pipeline {

    /** The consumer groups between an ingested event and an alert, in pipeline order ({@code BENCH_GROUPS}). */
    static final List<String> GROUPS = List.of(BenchMain.env("BENCH_GROUPS",
            "scoring-service,routing-service,notification-service").split(","));

    private Pipeline() {
    }

    /** Records the consumer group has not committed yet, over all its partitions. */
    static Map<String, Long> lag() throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BenchMain.env("KAFKA", "127.0.0.1:9092"));
        Map<String, Long> lag = new HashMap<>();
        try (Admin admin = Admin.create(props)) {
            for (String group : GROUPS) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                        .get(10, TimeUnit.SECONDS);
                long sum = 0;
                for (var e : committed.entrySet()) {
                    if (e.getValue() != null) {
                        sum += Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset());
                    }
                }
                lag.put(group, sum);
            }
        }
        return lag;
    }

    /**
     * Waits until no consumer of the pipeline lags and notification has no delivery due (alerts queued in its database,
     * such as webhooks still going out, are work the pipeline has not finished); false when it still had after
     * {@code seconds}. Notification refreshes that gauge every {@code LEADSCORE_NOTIFICATION_BACKLOG_REFRESH} (1 s in
     * the local stack), so it is read only after one refresh has passed since the lag reached zero.
     */
    static boolean waitIdle(long seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Map<String, Long> lag = lag();
        while (lag.values().stream().anyMatch(v -> v > 0)) {
            if (System.nanoTime() > deadline) {
                System.out.println("  pipeline still lagging after " + seconds + " s: " + lag);
                return false;
            }
            Thread.sleep(500);
            lag = lag();
        }
        Thread.sleep(1_500);
        double due;
        while ((due = gauge(LatencyScenario.NOTIFICATION, "leadscore_notification_deliveries_pending{state=\"due\"}")) > 0) {
            if (System.nanoTime() > deadline) {
                System.out.printf("  notification still had %.0f deliveries due after %d s%n", due, seconds);
                return false;
            }
            Thread.sleep(500);
        }
        return true;
    }

    /** One series of a gauge on a service's {@code /q/metrics}, by its full name with labels; 0 when it is missing. */
    static double gauge(String serviceUrl, String series) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(serviceUrl + "/q/metrics")).GET().build();
        HttpResponse<String> response = BenchMain.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(serviceUrl + "/q/metrics answered " + response.statusCode());
        }
        for (String line : response.body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        // Not there (an older build, or a renamed gauge): say so rather than take it for an empty backlog silently.
        System.out.println("  (" + serviceUrl + " has no " + series + "; not waiting for it)");
        return 0;
    }

    /**
     * The sum of a counter's series on a service's {@code /q/metrics} (for example {@code leadscore_events_scored_total}),
     * 0 while the counter is not registered yet (a service registers some only when their bean first works); fails when
     * the service does not answer.
     */
    static double counter(String serviceUrl, String metric) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(serviceUrl + "/q/metrics")).GET().build();
        HttpResponse<String> response = BenchMain.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(serviceUrl + "/q/metrics answered " + response.statusCode());
        }
        double sum = 0;
        for (String line : response.body().split("\n")) {
            if (line.startsWith(metric + " ") || line.startsWith(metric + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static final Pattern BUCKET = Pattern.compile("^(\\w+)_bucket\\{([^}]*)\\} ([0-9.eE+-]+)$");
    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

    /**
     * The cumulative bucket counts (upper bound in seconds → count) of a Prometheus histogram on a service's
     * {@code /q/metrics}, summed over the series whose labels contain {@code labelFilter}; empty when it is missing.
     */
    static TreeMap<Double, Double> histogram(String serviceUrl, String metric, String labelFilter) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(serviceUrl + "/q/metrics")).GET().build();
            HttpResponse<String> response = BenchMain.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return buckets;
            }
            for (String line : response.body().split("\n")) {
                Matcher m = BUCKET.matcher(line);
                if (m.matches() && m.group(1).equals(metric) && m.group(2).contains(labelFilter)) {
                    Matcher le = LE.matcher(m.group(2));
                    if (le.find()) {
                        double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
                        buckets.merge(bound, Double.parseDouble(m.group(3)), Double::sum);
                    }
                }
            }
        } catch (Exception e) {
            // A service without the metric (or not answering) simply gives no cross-check.
        }
        return buckets;
    }

    /**
     * The p-th percentile of what was recorded between two scrapes, as the upper bound of the bucket it falls in
     * (milliseconds), or NaN when nothing was recorded.
     */
    static double percentileMillis(TreeMap<Double, Double> before, TreeMap<Double, Double> after, double p) {
        double total = after.getOrDefault(Double.POSITIVE_INFINITY, 0.0)
                - before.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        if (total <= 0) {
            return Double.NaN;
        }
        for (var e : after.entrySet()) {
            double count = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
            if (count >= p / 100.0 * total) {
                return e.getKey() * 1000;
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
