package io.leadscore.scoring.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.leadscore.scoring.engine.model.ScoringModel;

/** Invariants over random models and leads. Every message carries the seed; rerun with -Dscoring.seed=<seed>. */
class ScorerPropertiesTest {

    private static final int ITERATIONS = RandomLeads.iterations();

    /** One random case: a model, a lead's facts and an instant, with the generator and where it came from. */
    private record Case(ScoringModel model, List<Fact> facts, Instant at, Random random, RandomLeads leads,
            String context) {
    }

    /** Runs the body on {@link #ITERATIONS} random cases from one seed, which every failure message carries. */
    private static void forEachCase(java.util.function.Consumer<Case> body) {
        long seed = RandomLeads.seed();
        Random random = new Random(seed);
        RandomLeads leads = new RandomLeads(random);
        for (int i = 0; i < ITERATIONS; i++) {
            ScoringModel model = leads.model();
            List<Fact> facts = leads.facts();
            Instant at = leads.instantNear(RandomLeads.NOW);
            body.accept(new Case(model, facts, at, random, leads, "seed=" + seed + " iteration=" + i));
        }
    }

    @Test
    void arrivalOrderNeverMatters() {
        forEachCase(c -> {
            ScoringModel model = c.model();
            List<Fact> facts = c.facts();
            Instant at = c.at();
            Random random = c.random();
            String context = c.context();
            Explanation expected = Scorer.explain(model, facts, at);

            for (int shuffle = 0; shuffle < 3; shuffle++) {
                List<Fact> arrived = new ArrayList<>(facts);
                Collections.shuffle(arrived, random);
                assertEquals(expected, Scorer.explain(model, arrived, at), context);
            }
        });
    }

    @Test
    void evaluateGivesExactlyWhatExplainAndNextChangeGiveSeparately() {
        forEachCase(c -> {
            ScoringModel model = c.model();
            List<Fact> facts = c.facts();
            Instant at = c.at();
            String context = c.context();
            Scorer.Evaluation evaluation = Scorer.evaluate(model, facts, at);
            assertEquals(Scorer.explain(model, facts, at), evaluation.explanation(), context);
            assertEquals(Scorer.nextChange(model, facts, at), evaluation.nextChange(), context);
            Scorer.Evaluation cheap = Scorer.scoreWithNextChange(model, facts, at);
            assertEquals(Scorer.score(model, facts, at), cheap.result(), context);
            assertEquals(evaluation.nextChange(), cheap.nextChange(), context);
        });
    }

    @Test
    void duplicatesNeverChangeTheScore() {
        forEachCase(c -> {
            ScoringModel model = c.model();
            List<Fact> facts = c.facts();
            Instant at = c.at();
            Random random = c.random();
            RandomLeads leads = c.leads();
            String context = c.context();
            if (facts.isEmpty()) {
                return;
            }
            Explanation expected = Scorer.explain(model, facts, at);

            List<Fact> withDuplicates = new ArrayList<>(facts);
            for (int d = random.nextInt(10); d >= 0; d--) {
                Fact original = leads.pick(facts);
                // An exact redelivery, or a later, different fact reusing the id: the first in log order wins.
                withDuplicates.add(random.nextBoolean()
                        ? original
                        : leads.fact(original.eventId(), original.occurredAt().plusMillis(1 + random.nextInt(1_000_000))));
            }
            Collections.shuffle(withDuplicates, random);

            assertEquals(expected, Scorer.explain(model, withDuplicates, at), context);
        });
    }

    @Test
    void contributionsAddUpToRawExactlyAndScoreAgreesWithExplain() {
        forEachCase(c -> {
            ScoringModel model = c.model();
            List<Fact> facts = c.facts();
            Instant at = c.at();
            String context = c.context();

            Explanation explanation = Scorer.explain(model, facts, at);

            double sum = 0.0;
            for (Contribution contribution : explanation.contributions()) {
                assertEquals(contribution.points() * contribution.decayFactor(), contribution.effectivePoints(), context);
                assertTrue(contribution.occurredAt() == null || !contribution.occurredAt().isAfter(at), context);
                sum += contribution.effectivePoints();
            }
            assertEquals(explanation.raw(), sum, 0.0, context);
            assertEquals(model.clamp(explanation.raw()), explanation.score(), 0.0, context);
            assertTrue(model.floor() == null || explanation.score() >= model.floor(), context);
            assertTrue(model.cap() == null || explanation.score() <= model.cap(), context);
            assertEquals(model.bandFor(explanation.score()) == null ? null : model.bandFor(explanation.score()).name(),
                    explanation.band(), context);
            assertEquals(explanation.result(), Scorer.score(model, facts, at), context);
        });
    }

    @Test
    void incrementalEqualsBatchAndTheFutureDoesNotRewriteThePast() {
        forEachCase(c -> {
            ScoringModel model = c.model();
            List<Fact> facts = c.facts();
            Instant at = c.at();
            Random random = c.random();
            String context = c.context();

            List<Fact> arrived = new ArrayList<>();
            List<Fact> arrivalOrder = new ArrayList<>(facts);
            Collections.shuffle(arrivalOrder, random);
            for (Fact fact : arrivalOrder) {
                arrived.add(fact);
                List<Fact> rebuilt = new ArrayList<>(arrived);
                Collections.reverse(rebuilt);
                assertEquals(Scorer.score(model, rebuilt, at), Scorer.score(model, arrived, at), context);
            }
            assertEquals(Scorer.explain(model, facts, at), Scorer.explain(model, arrived, at), context);

            // What was live at `at` only knew the facts up to `at`; replaying with later facts gives the same answer.
            List<Fact> knownAtThatTime = facts.stream().filter(f -> !f.occurredAt().isAfter(at)).toList();
            assertEquals(Scorer.explain(model, knownAtThatTime, at), Scorer.explain(model, facts, at), context);
        });
    }

    @Test
    void summarizeGivesExactlyWhatEvaluateAndTopContributionsGive() {
        forEachCase(c -> {
            Scorer.Evaluation evaluation = Scorer.evaluate(c.model(), c.facts(), c.at());
            for (int limit : new int[]{0, 1, 5, 100}) {
                Scorer.Summary summary = Scorer.summarize(c.model(), LeadLog.of(c.facts()), c.at(), limit);
                assertEquals(evaluation.result(), summary.result(), c.context());
                assertEquals(Scorer.topContributions(evaluation.explanation(), limit), summary.top(), c.context());
                assertEquals(evaluation.explanation().profile(), summary.profile(), c.context());
                assertEquals(evaluation.nextChange(), summary.nextChange(), c.context());
            }
        });
    }

    @Test
    void aLogGrownEventByEventOrShrunkEqualsTheLogOfTheSameFacts() {
        forEachCase(c -> {
            Random random = c.random();
            String context = c.context();
            List<Fact> arrived = new ArrayList<>(c.facts());
            // Resent copies and later facts reusing an id, as in duplicatesNeverChangeTheScore.
            for (int d = c.facts().isEmpty() ? -1 : random.nextInt(4); d >= 0; d--) {
                Fact original = c.leads().pick(c.facts());
                arrived.add(random.nextBoolean()
                        ? original
                        : c.leads().fact(original.eventId(), original.occurredAt().plusMillis(1 + random.nextInt(1_000))));
            }
            Collections.shuffle(arrived, random);
            LeadLog grown = LeadLog.of(List.of());
            int i = 0;
            while (i < arrived.size()) {
                int step = 1 + random.nextInt(5);
                grown = grown.plus(arrived.subList(i, Math.min(arrived.size(), i + step)));
                i += step;
            }
            LeadLog expected = LeadLog.of(arrived);
            assertEquals(expected, grown, context);
            assertEquals(Scorer.explain(c.model(), arrived, c.at()), Scorer.explain(c.model(), grown, c.at()), context);
            assertEquals(Scorer.score(c.model(), arrived, c.at()), Scorer.score(c.model(), grown, c.at()), context);

            java.util.Set<String> dropped = new java.util.HashSet<>();
            for (Fact fact : arrived) {
                if (random.nextInt(3) == 0) {
                    dropped.add(fact.eventId());
                }
            }
            List<Fact> rest = arrived.stream().filter(f -> !dropped.contains(f.eventId())).toList();
            assertEquals(LeadLog.of(rest), expected.without(dropped), context);
        });
    }

    @Test
    void factsThatCannotAffectTheModelChangeNoNumber() {
        forEachCase(c -> {
            List<Fact> affecting = c.facts().stream().filter(f -> Scorer.canAffect(c.model(), f)).toList();
            assertEquals(Scorer.score(c.model(), c.facts(), c.at()), Scorer.score(c.model(), affecting, c.at()),
                    c.context());
            Explanation all = Scorer.explain(c.model(), c.facts(), c.at());
            Explanation some = Scorer.explain(c.model(), affecting, c.at());
            assertEquals(all.contributions(), some.contributions(), c.context());
            assertEquals(all.raw(), some.raw(), 0.0, c.context());
        });
    }
}
