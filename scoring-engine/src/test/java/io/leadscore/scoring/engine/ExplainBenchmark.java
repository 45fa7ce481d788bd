package io.leadscore.scoring.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import io.leadscore.scoring.engine.model.ScoringModel;

/**
 * How long explaining a heavy lead takes: 10,000 facts over 180 days against the example model. Plain Java with
 * warm-up rounds, not a unit test (timings in tests are flaky). Run it as described in the module README.
 */
public final class ExplainBenchmark {

    private static final int FACTS = 10_000;
    private static final int WARM_UP_RUNS = 300;
    private static final int MEASURED_RUNS = 200;

    private ExplainBenchmark() {
    }

    public static void main(String[] args) {
        ScoringModel model = ExampleModel.model();
        Instant at = Instant.parse("2026-06-01T00:00:00Z");
        List<Fact> facts = heavyLead(new Random(42), at);

        Explanation explanation = Scorer.explain(model, facts, at);
        System.out.printf("lead: %d facts, %d contributions, %d capped, score %.4f (%s)%n", facts.size(),
                explanation.contributions().size(), explanation.excluded().size(), explanation.score(),
                explanation.band());
        report("explain", () -> Scorer.explain(model, facts, at));
        report("score", () -> Scorer.score(model, facts, at));
        report("nextChange", () -> Scorer.nextChange(model, facts, at));
    }

    private static void report(String name, Supplier<Object> call) {
        Object sink = null;
        for (int i = 0; i < WARM_UP_RUNS; i++) {
            sink = call.get();
        }
        double[] millis = new double[MEASURED_RUNS];
        for (int i = 0; i < MEASURED_RUNS; i++) {
            long start = System.nanoTime();
            sink = call.get();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        System.out.printf("%-10s median %.2f ms, p99 %.2f ms, max %.2f ms over %d runs (%s)%n", name,
                millis[MEASURED_RUNS / 2], millis[(int) Math.ceil(MEASURED_RUNS * 0.99) - 1], millis[MEASURED_RUNS - 1],
                MEASURED_RUNS, sink == null ? "-" : "ok");
    }

    /** A busy lead: mostly page views (some pricing, some careers), email opens, a few demos and profile updates. */
    static List<Fact> heavyLead(Random random, Instant at) {
        // One in five page views is pricing, one in fifty careers.
        List<String> urls = new ArrayList<>(Collections.nCopies(10, "https://acme.com/pricing?plan=pro"));
        urls.add("https://acme.com/careers/backend");
        urls.addAll(Collections.nCopies(13, "https://acme.com/blog/how-to-score-leads"));
        urls.addAll(Collections.nCopies(13, "https://acme.com/docs/getting-started"));
        urls.addAll(Collections.nCopies(13, "https://acme.com/"));
        long span = Duration.ofDays(180).toMillis();
        List<Fact> facts = new ArrayList<>(FACTS);
        for (int i = 0; i < FACTS; i++) {
            Instant occurredAt = at.minusMillis((long) (random.nextDouble() * span));
            String id = "evt-" + i;
            int kind = random.nextInt(100);
            if (kind < 1) {
                facts.add(Fact.profileUpdate(id, occurredAt, Map.of("jobTitle",
                        random.nextBoolean() ? "VP Marketing" : "Engineer", "companySize", 50 + random.nextInt(500))));
            } else if (kind < 3) {
                facts.add(Fact.event(id, "demo_request", occurredAt, Map.of()));
            } else if (kind < 25) {
                facts.add(Fact.event(id, "email_open", occurredAt, Map.of("campaign", "spring-" + random.nextInt(5))));
            } else {
                facts.add(Fact.event(id, "page_view", occurredAt, Map.of("url", urls.get(random.nextInt(urls.size())))));
            }
        }
        Collections.shuffle(facts, random);
        return facts;
    }
}
