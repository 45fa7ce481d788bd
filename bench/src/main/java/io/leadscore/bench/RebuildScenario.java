package io.leadscore.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.contracts.LeadEvent;
import io.leadscore.contracts.Topics;

/**
 * Projection rebuild over about a million events ({@code SCENARIOS=rebuild-1m}): tops the bench tenant's event log up
 * to {@code 1,000,000 × SCALE} events by producing the missing ones straight to {@code lead-events} (the way ingest
 * publishes them, without the HTTP cost), waits until scoring has stored every one, then runs the existing rebuild
 * scenario over the whole log. Loading is also reported: it is scoring's sustained throughput at that volume.
 */
final class RebuildScenario {

    private final BenchMain bench;

    RebuildScenario(BenchMain bench) {
        this.bench = bench;
    }

    void run() throws Exception {
        long target = (long) (1_000_000 * BenchMain.SCALE);
        long before = BenchMain.storedEvents();
        long missing = target - before;
        if (missing > 0) {
            load(missing, before);
        } else {
            System.out.printf(Locale.ROOT, "  the bench tenant already holds %,d events%n", before);
        }
        bench.rebuild();
    }

    private void load(long count, long before) throws Exception {
        int leads = (int) Math.max(100, count / 50);
        String prefix = "rb-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        Instant base = Instant.now().minus(Duration.ofDays(180));
        Random random = new Random(1_000_000);
        String[] urls = {"https://example.com/", "https://example.com/pricing", "https://example.com/blog/x",
                "https://example.com/careers"};
        String[] types = {"page_view", "page_view", "page_view", "email_open", "email_click", "demo_request"};
        long start = System.nanoTime();
        try (KafkaProducer<String, String> producer = BenchMain.producer()) {
            for (long i = 0; i < count; i++) {
                String lead = prefix + random.nextInt(leads);
                boolean profile = i % 50 == 0;
                LeadEvent e = new LeadEvent(1, BenchMain.TENANT, prefix + "e" + i, lead,
                        profile ? LeadEvent.PROFILE_UPDATED : types[random.nextInt(types.length)],
                        base.plusSeconds(random.nextInt(180 * 86400)), Instant.now(),
                        profile ? null : Map.of("url", urls[random.nextInt(urls.length)]),
                        profile
                                ? Map.of("jobTitle", random.nextBoolean() ? "VP Sales" : "Engineer", "companySize",
                                        random.nextInt(2000))
                                : null);
                producer.send(new ProducerRecord<>(Topics.LEAD_EVENTS, e.key(), ContractsJson.mapper().writeValueAsString(e)));
            }
            producer.flush();
        }
        double produced = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "  produced %,d events of %,d leads to %s in %.1f s; waiting for scoring ...%n",
                count, leads, Topics.LEAD_EVENTS, produced);
        long timeout = Long.parseLong(BenchMain.env("REBUILD_LOAD_TIMEOUT_S", "3600"));
        long deadline = System.nanoTime() + timeout * 1_000_000_000L;
        long lastReport = System.nanoTime();
        long stored;
        while ((stored = BenchMain.storedEvents() - before) < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "scoring stored only %,d of %,d events within %d s", stored, count, timeout));
            }
            if (System.nanoTime() - lastReport > 15_000_000_000L) {
                lastReport = System.nanoTime();
                System.out.printf(Locale.ROOT, "  %,d of %,d stored (%,.0f events/s)%n", stored, count,
                        stored / ((System.nanoTime() - start) / 1e9));
            }
            Thread.sleep(500);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        bench.row(String.format(Locale.ROOT, "scoring, sustained: %,d events produced to Kafka → stored and scored", count),
                String.format(Locale.ROOT, "%,.0f events/s (%,d leads, %.0f s)", count / seconds, leads, seconds),
                "≥ 20,000 events/s");
    }
}
