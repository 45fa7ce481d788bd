package io.leadscore.scoring.engine;

import static io.leadscore.scoring.engine.Json.arr;
import static io.leadscore.scoring.engine.Json.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.leadscore.scoring.engine.model.ModelParser;
import io.leadscore.scoring.engine.model.ScoringModel;

class NextChangeTest {

    private static final Instant T = ScorerTest.T;

    private static ScoringModel model(Object... fieldsAndValues) {
        Map<String, Object> json = obj("name", "Bands", "halfLife", "P30D",
                "bands", arr(obj("name", "cold", "from", null), obj("name", "warm", "from", 21),
                        obj("name", "hot", "from", 50)),
                "rules", arr(obj("id", "demo", "event", "demo_request", "points", 40),
                        obj("id", "careers", "event", "page_view", "points", -30),
                        obj("id", "senior", "attribute", "senior", "op", "eq", "value", true, "points", 35),
                        obj("id", "fifty", "attribute", "fifty", "op", "exists", "points", 50)));
        json.putAll(obj(fieldsAndValues));
        return ModelParser.parse("bands", 1, json).orElseThrow();
    }

    private static Fact demo(String id, Instant at) {
        return Fact.event(id, "demo_request", at, Map.of());
    }

    private static Fact careers(String id, Instant at) {
        return Fact.event(id, "page_view", at, Map.of());
    }

    private static Fact senior(Instant at) {
        return Fact.profileUpdate("senior", at, obj("senior", true));
    }

    private static String band(ScoringModel model, List<Fact> facts, Instant at) {
        return Scorer.score(model, facts, at).band();
    }

    /** The band changes at the returned instant and not one millisecond before. */
    private static Instant assertCrossing(ScoringModel model, List<Fact> facts, Instant now, String context) {
        Optional<Instant> next = Scorer.nextChange(model, facts, now);
        assertTrue(next.isPresent(), "expected a change; " + context);
        Instant crossing = next.get();
        String before = band(model, facts, now);
        assertTrue(crossing.isAfter(now), context);
        assertNotEquals(before, band(model, facts, crossing), "band at the crossing; " + context);
        Instant justBefore = crossing.minusMillis(1);
        if (!justBefore.isBefore(now)) {
            assertEquals(before, band(model, facts, justBefore), "band 1 ms before the crossing; " + context);
        }
        return crossing;
    }

    @Test
    void decayCarriesTheScoreBelowTheCurrentBand() {
        ScoringModel model = model();
        List<Fact> facts = List.of(demo("d1", T), senior(T)); // 35 + 40 = 75, hot, decaying towards 35 (warm)

        Instant crossing = assertCrossing(model, facts, T, "");

        // 35 + 40 * 0.5^(d / 30 days) = 50  <=>  d = 30 days * log2(40 / 15)
        double days = 30 * Math.log(40.0 / 15) / Math.log(2);
        assertEquals(T.plusMillis(Math.round(days * 86_400_000)).toEpochMilli(), crossing.toEpochMilli(), 2.0);
        assertEquals("warm", band(model, facts, crossing));
    }

    @Test
    void exampleLeadLeavesHotAfterAboutTwentyEightDays() {
        List<Fact> facts = List.of(Fact.profileUpdate("pf", T.minus(Duration.ofDays(40)),
                obj("jobTitle", "VP Marketing", "companySize", "250")),
                Fact.event("d1", "demo_request", T.minus(Duration.ofDays(30)), Map.of()));

        Instant crossing = assertCrossing(ExampleModel.model(), facts, T, "");

        // A = 35, S = 20 at T: 35 + 20 * 0.5^(d / 30 days) = 50  <=>  d = 30 days * log2(20 / 15)
        double days = 30 * Math.log(20.0 / 15) / Math.log(2);
        assertEquals(T.toEpochMilli() + days * 86_400_000, crossing.toEpochMilli(), 2.0);
    }

    @Test
    void negativePointsDecayUpwardsIntoAHigherBand() {
        ScoringModel model = model();
        Fact fifty = Fact.profileUpdate("p", T, obj("fifty", 1, "senior", true)); // A = 85
        List<Fact> facts = List.of(fifty, careers("c1", T), careers("c2", T)); // 85 - 60 = 25: warm, rising to 85

        Instant crossing = assertCrossing(model, facts, T, "");

        assertEquals("hot", band(model, facts, crossing));
        double days = 30 * Math.log(60.0 / 35) / Math.log(2); // 85 - 60 * 0.5^(d/30) = 50
        assertEquals(T.toEpochMilli() + days * 86_400_000, crossing.toEpochMilli(), 2.0);
    }

    @Test
    void noChangeWithoutDecayOrDecayingPointsOrABoundaryInBetween() {
        List<Fact> hot = List.of(demo("d1", T), senior(T));
        assertEquals(Optional.empty(), Scorer.nextChange(model("halfLife", null), hot, T), "no half-life");
        assertEquals(Optional.empty(), Scorer.nextChange(model(), List.of(senior(T)), T), "nothing decays");
        List<Fact> stillHot = List.of(demo("d1", T), Fact.profileUpdate("p", T, obj("fifty", 1)));
        assertEquals(Optional.empty(), Scorer.nextChange(model(), stillHot, T), "decays towards 50, stays hot");
        assertEquals(Optional.empty(), Scorer.nextChange(model(), List.of(demo("d1", T)), T.plus(Duration.ofDays(90))),
                "already cold, can only get colder");
    }

    @Test
    void floorAndCapCanMakeABoundaryUnreachable() {
        // Decays towards 35 but the floor holds it at 50: hot for ever.
        assertEquals(Optional.empty(), Scorer.nextChange(model("floor", 50), List.of(demo("d1", T), senior(T)), T));
        // Rises towards 85 but the cap stops it at 45: warm for ever.
        List<Fact> rising = List.of(Fact.profileUpdate("p", T, obj("fifty", 1, "senior", true)), careers("c1", T),
                careers("c2", T));
        assertEquals(Optional.empty(), Scorer.nextChange(model("cap", 45), rising, T));
        // A cap exactly at the boundary is reached.
        assertEquals("hot", band(model("cap", 50), rising, assertCrossing(model("cap", 50), rising, T, "cap 50")));
    }

    @Test
    void aKnownFutureFactIsAChangeWhenItChangesTheBand() {
        ScoringModel noDecay = model("halfLife", null);
        Instant tomorrow = T.plus(Duration.ofDays(1));
        List<Fact> facts = List.of(senior(T), demo("d1", tomorrow));

        assertEquals(Optional.of(tomorrow), Scorer.nextChange(noDecay, facts, T));

        Instant subMillisecond = tomorrow.plusNanos(250_000);
        List<Fact> precise = List.of(senior(T), demo("d1", subMillisecond));
        assertEquals(Optional.of(subMillisecond), Scorer.nextChange(noDecay, precise, T),
                "a fact enters at its own instant");

        // Tomorrow's 40 points keep the lead hot; only the later decay below 50 changes the band.
        List<Fact> twoDemos = List.of(senior(T), demo("d1", T), demo("d2", tomorrow));
        Instant crossing = assertCrossing(model(), twoDemos, T, "");
        assertTrue(crossing.isAfter(tomorrow));
    }

    @Test
    void aBoundaryEqualToTheLimitIsReachedWhenTheDecayingPartRoundsAway() {
        // Rises towards exactly 50: mathematically never there, but once -30 * 0.5^(d/h) is below half an ulp of 50,
        // the computed score is 50.0 and the band is hot. nextChange agrees with score().
        ScoringModel model = model("halfLife", "P1D");
        List<Fact> facts = List.of(Fact.profileUpdate("p", T, obj("fifty", 1)), careers("c1", T));
        Instant now = T.plus(Duration.ofDays(1)); // 50 - 15 = 35: warm

        Instant crossing = assertCrossing(model, facts, now, "");

        assertTrue(crossing.isAfter(T.plus(Duration.ofDays(40))), "after ~" + Duration.between(T, crossing).toDays());
    }

    @Test
    void theCrossingIsWhereScoreChangesBandInRandomLeads() {
        long seed = RandomLeads.seed();
        Random random = new Random(seed);
        RandomLeads leads = new RandomLeads(random);
        int crossings = 0;
        for (int i = 0; i < RandomLeads.iterations(); i++) {
            String context = "seed=" + seed + " iteration=" + i;
            ScoringModel model = leads.model();
            List<Fact> facts = leads.facts();
            Instant now = leads.instantNear(RandomLeads.NOW).plusNanos(random.nextBoolean() ? 0 : random.nextInt(999_999));
            String bandNow = band(model, facts, now);

            Optional<Instant> next = Scorer.nextChange(model, facts, now);

            Instant horizon;
            if (next.isPresent()) {
                crossings++;
                horizon = assertCrossing(model, facts, now, context);
            } else {
                Instant lastFact = facts.stream().map(Fact::occurredAt).max(Instant::compareTo).orElse(now);
                horizon = (lastFact.isAfter(now) ? lastFact : now).plus(Duration.ofDays(3650));
            }
            // Nowhere before the answer does the band differ (nor anywhere at all when there is none).
            long span = Duration.between(now, horizon).toMillis();
            for (int probe = 0; probe < 20; probe++) {
                Instant at = now.plusMillis((long) (random.nextDouble() * span));
                if (at.isBefore(horizon)) {
                    assertEquals(bandNow, band(model, facts, at), context + " at " + at + " before " + horizon);
                }
            }
        }
        assertTrue(crossings > RandomLeads.iterations() / 10,
                "seed=" + seed + ": too few crossings to mean anything: " + crossings);
    }
}
