package io.leadscore.routing.domain;

import static io.leadscore.routing.domain.DomainFixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.leadscore.routing.domain.owner.OwnerBook;
import io.leadscore.routing.domain.owner.Rep;
import io.leadscore.routing.domain.owner.Team;
import io.leadscore.routing.domain.policy.RoutingPolicy;

/**
 * Seeded properties (the seed is in every failure message; rerun one with -Drouting.seed=N): replays and duplicates
 * change nothing, and scores wandering around a threshold never make a lead flap faster than the hysteresis allows.
 */
class RoutingPropertiesTest {

    static final long BASE_SEED = Long.getLong("routing.seed", 20261124L);
    static final int RUNS = Integer.getInteger("routing.runs", 300);

    /** Feeds deliveries through the same steps as the consumer; now is each change's computedAt. */
    static List<Transition> route(RoutingPolicy policy, List<ScoreObserved> deliveries) {
        LeadRouter router = new LeadRouter(Duration.ofMinutes(1));
        OwnerBook book = new OwnerBook(List.of(new Team("t", "T", "m", List.of(), 1, true)),
                List.of(new Rep("a", "A", "t", true, 1000), new Rep("b", "B", "t", true, 1000)), Map.of(), Map.of());
        LeadRouting lead = LeadRouting.unseen("acme", "l1");
        List<Transition> transitions = new ArrayList<>();
        for (ScoreObserved change : deliveries) {
            LeadRouting observed = lead.observe(change);
            if (observed == null) {
                continue;
            }
            Instant now = change.computedAt();
            LeadRouter.Routed r = router.apply(policy, observed, StageEngine.decide(policy, observed, now), book, now);
            transitions.addAll(r.transitions());
            lead = r.lead();
        }
        return transitions;
    }

    @Test
    void replayedAndDuplicatedDeliveriesYieldTheSameTransitions() {
        RoutingPolicy policy = DomainFixtures.policy(DomainFixtures.EXAMPLE);
        for (int run = 0; run < RUNS; run++) {
            long seed = BASE_SEED + run;
            Random random = new Random(seed);
            List<ScoreObserved> changes = new ArrayList<>();
            Instant at = T0;
            for (int i = 0; i < 40; i++) {
                at = at.plusSeconds(1 + random.nextInt(7200));
                boolean engagement = random.nextInt(3) > 0;
                double s = random.nextInt(101);
                String band = engagement
                        ? (s >= 50 ? "hot" : s >= 21 ? "warm" : "cold")
                        : List.of("A", "B", "C", "D").get(random.nextInt(4));
                changes.add(DomainFixtures.score(engagement ? "engagement" : "fit", s, band, at));
            }
            List<ScoreObserved> deliveries = new ArrayList<>();
            for (int i = 0; i < changes.size(); i++) {
                deliveries.add(changes.get(i));
                while (random.nextInt(4) == 0) {
                    // A redelivery of this change or of any earlier one (a replay from an older offset).
                    deliveries.add(changes.get(random.nextInt(i + 1)));
                }
            }
            List<Transition> expected = route(policy, changes);
            List<Transition> actual = route(policy, deliveries);
            assertEquals(expected, actual, "seed " + seed + ": " + deliveries.size() + " deliveries of "
                    + changes.size() + " changes");
        }
    }

    @Test
    void scoresAroundAThresholdNeverFlapFasterThanTheHysteresisAllows() {
        for (int run = 0; run < RUNS; run++) {
            long seed = BASE_SEED + 10_000 + run;
            Random random = new Random(seed);
            int margin = 1 + random.nextInt(8);
            boolean withDwell = random.nextBoolean();
            Duration dwell = Duration.ofHours(1 + random.nextInt(48));
            RoutingPolicy policy = DomainFixtures.policy("{\"rules\": [{\"id\": \"mql\", \"stage\": \"mql\", "
                    + "\"when\": {\"model\": \"engagement\", \"scoreGte\": 40}}], \"hysteresis\": {\"margin\": "
                    + margin + (withDwell ? ", \"dwell\": \"" + dwell + "\"" : "") + "}}");
            List<ScoreObserved> changes = new ArrayList<>();
            Instant at = T0;
            double score = 40;
            for (int i = 0; i < 200; i++) {
                at = at.plusSeconds(60 + random.nextInt(3600));
                score = Math.max(0, Math.min(100, score + (random.nextDouble() * 2 - 1) * (margin + 2)));
                changes.add(DomainFixtures.score("engagement", Math.round(score * 10) / 10.0, "warm", at));
            }
            List<Transition> transitions = route(policy, changes);
            Instant enteredAt = null;
            for (Transition t : transitions) {
                double s = t.scores().get(0).score();
                String context = "seed " + seed + ", margin " + margin + (withDwell ? ", dwell " + dwell : "")
                        + ": " + t.from() + " -> " + t.to() + " at " + s;
                if (t.to() == Stage.MQL) {
                    assertTrue(s >= 40, context);
                    enteredAt = t.changedAt();
                } else if (t.from() == Stage.MQL) {
                    boolean dwelt = withDwell && !t.changedAt().isBefore(enteredAt.plus(dwell));
                    assertTrue(s < 40 - margin || (dwelt && s < 40), context);
                }
            }
            for (int i = 1; i < transitions.size(); i++) {
                assertTrue(transitions.get(i).to() != transitions.get(i - 1).to(), "seed " + seed
                        + ": no transition repeats the stage it came from");
            }
        }
    }
}
