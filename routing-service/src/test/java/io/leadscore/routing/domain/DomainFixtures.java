package io.leadscore.routing.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.routing.domain.owner.OwnerBook;
import io.leadscore.routing.domain.owner.Rep;
import io.leadscore.routing.domain.owner.Team;
import io.leadscore.routing.domain.policy.PolicyParseResult;
import io.leadscore.routing.domain.policy.PolicyParser;
import io.leadscore.routing.domain.policy.RoutingPolicy;

/** Policies, leads and owner books for plain unit tests. */
final class DomainFixtures {

    static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    /** The example: sql when engagement hot and fit A/B; mql when hot or engagement >= 40. */
    static final String EXAMPLE = "{\"rules\": ["
            + "{\"id\": \"sql-hot-fit\", \"stage\": \"sql\", \"when\": {\"all\": [{\"model\": \"engagement\", "
            + "\"band\": \"hot\"}, {\"model\": \"fit\", \"bandIn\": [\"A\", \"B\"]}]}},"
            + "{\"id\": \"mql-hot\", \"stage\": \"mql\", \"when\": {\"any\": [{\"model\": \"engagement\", \"band\": "
            + "\"hot\"}, {\"model\": \"engagement\", \"scoreGte\": 40}]}}],"
            + "\"default\": \"nurture\", \"hysteresis\": {\"margin\": 5, \"dwell\": \"PT24H\"},"
            + "\"sla\": {\"mql\": \"P1D\", \"sql\": \"PT4H\"}, \"rejectCooldown\": \"P30D\"}";

    private DomainFixtures() {
    }

    static Object json(String text) {
        try {
            return JSON.readValue(text, Object.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static RoutingPolicy policy(String text) {
        return policy(text, 1);
    }

    static RoutingPolicy policy(String text, int version) {
        PolicyParseResult result = PolicyParser.parse(json(text), version);
        if (!result.isValid()) {
            throw new AssertionError(result.errors().toString());
        }
        return result.policy();
    }

    static ScoreObserved score(String model, double score, String band, Instant at) {
        return new ScoreObserved(model, 1, score, band, at, Map.of("country", "DE"), at);
    }

    static LeadRouting lead(Stage stage, Instant since, String entryRule, Map<String, ModelScore> scores) {
        return new LeadRouting("acme", "l1", stage, since, entryRule, 1, null, null, null, null, null, scores,
                Map.of(), null, 1, null);
    }

    static Map<String, ModelScore> scores(Object... modelScoreBand) {
        java.util.LinkedHashMap<String, ModelScore> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < modelScoreBand.length; i += 3) {
            String model = (String) modelScoreBand[i];
            m.put(model, new ModelScore(model, 1, ((Number) modelScoreBand[i + 1]).doubleValue(),
                    (String) modelScoreBand[i + 2], T0));
        }
        return m;
    }

    /** One default team "sales" managed by "boss" with the given reps (capacity 2 each). */
    static OwnerBook book(String... reps) {
        return new OwnerBook(List.of(new Team("sales", "Sales", "boss", List.of(), 100, true)),
                java.util.Arrays.stream(reps).map(r -> new Rep(r, r, "sales", true, 2)).toList(), Map.of(), Map.of());
    }

    static Duration hours(long h) {
        return Duration.ofHours(h);
    }
}
