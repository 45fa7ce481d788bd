package io.leadscore.scoring.engine;

import static io.leadscore.scoring.engine.Json.arr;
import static io.leadscore.scoring.engine.Json.obj;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.leadscore.scoring.engine.model.ModelParser;
import io.leadscore.scoring.engine.model.ScoringModel;

/**
 * Seeded generators of models and leads for property tests. Rerun a failure with {@code -Dscoring.seed=<seed>}, which
 * every property test reads through {@link #seed()} and prints in its assertion messages.
 */
final class RandomLeads {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final List<String> TYPES = List.of("page_view", "email_open", "demo_request");
    private static final List<String> URLS = List.of("https://acme.com/pricing", "https://acme.com/careers",
            "https://acme.com/blog", "https://acme.com/Pricing?plan=pro");
    private static final List<String> TITLES = List.of("VP Sales", "Engineer", "Head of Growth", "intern");

    private final Random random;

    RandomLeads(Random random) {
        this.random = random;
    }

    static long seed() {
        return Long.getLong("scoring.seed", System.nanoTime());
    }

    /** 300 by default; raise it with {@code -Dscoring.iterations=100000} for a soak run. */
    static int iterations() {
        return Integer.getInteger("scoring.iterations", 300);
    }

    ScoringModel model() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", "Random");
        if (random.nextInt(10) < 8) {
            json.put("halfLife", pick(List.of("PT6H", "P1D", "P7D", "P30D", "PT1.5S")));
        }
        Integer floor = random.nextInt(10) < 3 ? random.nextInt(31) - 20 : null;
        json.put("floor", floor);
        if (random.nextInt(10) < 3) {
            json.put("cap", (floor == null ? 0 : floor) + 10 + random.nextInt(140));
        }
        List<Object> bands = new ArrayList<>();
        int from = random.nextInt(21) - 10;
        int bandCount = 1 + random.nextInt(4);
        for (int i = 0; i < bandCount; i++) {
            bands.add(obj("name", "band" + i, "from", i == 0 && random.nextBoolean() ? null : from));
            from += 5 + random.nextInt(36);
        }
        json.put("bands", bands);
        List<Object> rules = new ArrayList<>();
        int ruleCount = 1 + random.nextInt(6);
        for (int i = 0; i < ruleCount; i++) {
            rules.add(random.nextInt(4) == 0 ? attributeRule("a" + i) : eventRule("e" + i));
        }
        json.put("rules", rules);
        return ModelParser.parse("random", 1, json).orElseThrow();
    }

    private Map<String, Object> eventRule(String id) {
        Map<String, Object> rule = obj("id", id, "event", pick(TYPES), "points", points());
        switch (random.nextInt(4)) {
            case 0 :
                rule.put("where", arr(obj("property", "url", "op", "contains", "value", "/pricing")));
                break;
            case 1 :
                rule.put("where", arr(obj("property", "n", "op", "gte", "value", random.nextInt(300))));
                break;
            default :
                break;
        }
        if (random.nextInt(3) == 0) {
            rule.put("maxTimes", 1 + random.nextInt(3));
            if (random.nextBoolean()) {
                rule.put("per", pick(List.of("PT12H", "P1D", "P7D")));
            }
        }
        return rule;
    }

    private Map<String, Object> attributeRule(String id) {
        if (random.nextBoolean()) {
            return obj("id", id, "attribute", "size", "op", "gte", "value", 100, "points", points());
        }
        return obj("id", id, "attribute", "title", "op", "matches", "value", "\\b(vp|head)\\b", "points", points());
    }

    /** Mostly whole points, sometimes fractional ones so that sums are not all exact. */
    private Number points() {
        int whole = random.nextInt(61) - 20;
        return random.nextInt(4) == 0 ? whole + random.nextInt(100) / 100.0 + 0.001 : whole;
    }

    /** Facts with unique ids around {@link #NOW}: most in the past, some exactly at it, some after it. */
    List<Fact> facts() {
        int count = random.nextInt(41);
        List<Fact> facts = new ArrayList<>();
        List<Instant> used = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Instant at;
            int when = random.nextInt(20);
            if (when == 0) {
                at = NOW;
            } else if (when < 4 && !used.isEmpty()) {
                at = pick(used);
            } else if (when < 6) {
                at = NOW.plusMillis(1 + (long) (random.nextDouble() * Duration.ofDays(10).toMillis()));
            } else {
                at = NOW.minusMillis((long) (random.nextDouble() * Duration.ofDays(60).toMillis()));
            }
            if (random.nextInt(5) == 0) {
                at = at.plusNanos(1_000L * random.nextInt(1_000)); // stores such as PostgreSQL keep microseconds
            }
            used.add(at);
            facts.add(fact("f" + i, at));
        }
        return facts;
    }

    Fact fact(String id, Instant at) {
        if (random.nextInt(6) == 0) {
            Map<String, Object> attributes = new LinkedHashMap<>();
            if (random.nextBoolean()) {
                int size = random.nextInt(300);
                attributes.put("size", random.nextBoolean() ? (Object) size : String.valueOf(size));
            }
            if (random.nextBoolean()) {
                attributes.put("title", random.nextInt(4) == 0 ? null : pick(TITLES));
            }
            return Fact.profileUpdate(id, at, attributes);
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("url", pick(URLS));
        int n = random.nextInt(300);
        properties.put("n", random.nextBoolean() ? (Object) n : String.valueOf(n));
        return Fact.event(id, pick(TYPES), at, properties);
    }

    Instant instantNear(Instant now) {
        return now.plusMillis((long) ((random.nextDouble() - 0.5) * Duration.ofDays(20).toMillis()));
    }

    <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }
}
