package io.leadscore.scoring.engine;

import static io.leadscore.scoring.engine.Json.arr;
import static io.leadscore.scoring.engine.Json.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.leadscore.scoring.engine.Contribution.Kind;
import io.leadscore.scoring.engine.model.ModelParser;
import io.leadscore.scoring.engine.model.ScoringModel;

class ScorerTest {

    static final Instant T = Instant.parse("2026-03-01T00:00:00Z");

    static ScoringModel model(Map<String, Object> json) {
        return ModelParser.parse("test", 1, json).orElseThrow();
    }

    /** A model without decay, clamping or bands beyond one catch-all, so scores are plain sums. */
    static ScoringModel rules(Object... rules) {
        return model(obj("name", "Test", "bands", arr(obj("name", "all", "from", null)), "rules", arr(rules)));
    }

    static Fact view(String id, Instant at, String url) {
        return Fact.event(id, "page_view", at, obj("url", url));
    }

    static Fact profile(String id, Instant at, Object... attributes) {
        return Fact.profileUpdate(id, at, obj(attributes));
    }

    static double score(ScoringModel model, List<Fact> facts, Instant at) {
        return Scorer.score(model, facts, at).score();
    }

    private static List<String> awardedIds(Explanation explanation, String ruleId) {
        return explanation.contributions().stream().filter(c -> c.ruleId().equals(ruleId)).map(Contribution::eventId)
                .toList();
    }

    @Test
    void eventRuleAwardsEveryMatchingFactOfItsType() {
        ScoringModel model = rules(obj("id", "views", "event", "page_view", "points", 5));
        List<Fact> facts = List.of(view("a", T.minusSeconds(30), "/"), view("b", T.minusSeconds(20), "/x"),
                Fact.event("c", "email_open", T.minusSeconds(10), Map.of()), view("d", T, "/y"));

        assertEquals(15.0, score(model, facts, T));
    }

    @Test
    void everyWhereConditionMustHold() {
        ScoringModel model = rules(obj("id", "pricing-de", "event", "page_view", "points", 10,
                "where", arr(obj("property", "url", "op", "contains", "value", "/pricing"),
                        obj("property", "country", "op", "in", "value", arr("de", "at")))));
        List<Fact> facts = List.of(
                Fact.event("a", "page_view", T, obj("url", "/pricing", "country", "DE")),
                Fact.event("b", "page_view", T, obj("url", "/pricing", "country", "fr")),
                Fact.event("c", "page_view", T, obj("url", "/pricing")),
                Fact.event("d", "page_view", T, obj("url", "/blog", "country", "at")));

        Explanation explanation = Scorer.explain(model, facts, T);

        assertEquals(List.of("a"), awardedIds(explanation, "pricing-de"));
        assertEquals(10.0, explanation.score());
    }

    @Test
    void oneFactMayMatchSeveralRules() {
        ScoringModel model = rules(obj("id", "any-view", "event", "page_view", "points", 1),
                obj("id", "pricing", "event", "page_view", "points", 10,
                        "where", arr(obj("property", "url", "op", "contains", "value", "pricing"))));

        Explanation explanation = Scorer.explain(model, List.of(view("a", T, "/pricing")), T);

        assertEquals(List.of("any-view", "pricing"), explanation.contributions().stream().map(Contribution::ruleId).toList());
        assertEquals(11.0, explanation.score());
    }

    @Test
    void attributeRulesReadTheProfileFoldedUpToTheInstant() {
        ScoringModel model = model(obj("name", "Fit", "halfLife", "P1D", "bands", arr(obj("name", "all")),
                "rules", arr(obj("id", "big", "attribute", "companySize", "op", "gte", "value", 200, "points", 15),
                        obj("id", "has-phone", "attribute", "phone", "op", "exists", "points", 5))));
        List<Fact> facts = List.of(
                profile("p1", T.minus(Duration.ofDays(100)), "companySize", 50, "phone", "+49 30 1234"),
                profile("p2", T.minus(Duration.ofDays(90)), "companySize", "250"),
                profile("p3", T.minus(Duration.ofDays(80)), "phone", null),
                // Attributes on other fact types are not profile updates.
                new Fact("x", "page_view", T.minus(Duration.ofDays(70)), Map.of(), obj("phone", "+1 555")),
                profile("p4", T.plusSeconds(1), "companySize", 10));

        Explanation explanation = Scorer.explain(model, facts, T);

        assertEquals(15.0, explanation.score(), "attribute points do not decay");
        assertEquals(Map.of("companySize", "250"), explanation.profile());
        assertEquals(List.of(new Contribution(Kind.ATTRIBUTE, null, "companySize", null, null, "big", "big", 15, 1.0,
                15)),
                explanation.contributions());
        assertEquals(20.0, score(model, facts, T.minus(Duration.ofDays(85))), "before the phone was removed");
        assertEquals(5.0, score(model, facts, T.minus(Duration.ofDays(95))), "before the size grew");
        assertEquals(0.0, score(model, facts, T.minus(Duration.ofDays(101))));
        assertEquals(0.0, score(model, facts, T.plusSeconds(1)), "a later update overrides");
    }

    @Test
    void factsAfterTheInstantDoNotCountYet() {
        ScoringModel model = rules(obj("id", "views", "event", "page_view", "points", 5));
        List<Fact> facts = List.of(view("a", T, "/"), view("b", T.plusMillis(1), "/"));

        assertEquals(5.0, score(model, facts, T), "occurredAt <= at counts, later does not");
        assertEquals(10.0, score(model, facts, T.plusMillis(1)));
    }

    @Test
    void duplicateEventIdsCountOnceKeepingTheEarliest() {
        ScoringModel model = model(obj("name", "Decay", "halfLife", "P1D", "bands", arr(obj("name", "all")),
                "rules", arr(obj("id", "views", "event", "page_view", "points", 8))));
        Fact late = view("a", T, "/");
        Fact early = view("a", T.minus(Duration.ofDays(1)), "/");

        Explanation explanation = Scorer.explain(model, List.of(late, early, late), T);

        assertEquals(1, explanation.contributions().size());
        assertEquals(early.occurredAt(), explanation.contributions().get(0).occurredAt());
        assertEquals(4.0, explanation.score());
    }

    @Test
    void capWithoutWindowCountsOverAllTime() {
        ScoringModel model = rules(obj("id", "webinar", "event", "webinar_attended", "points", 10, "maxTimes", 2));
        List<Fact> facts = new ArrayList<>();
        for (int day = 0; day < 5; day++) {
            facts.add(Fact.event("w" + day, "webinar_attended", T.minus(Duration.ofDays(400 - day * 100)), Map.of()));
        }

        Explanation explanation = Scorer.explain(model, facts, T);

        assertEquals(20.0, explanation.score());
        assertEquals(List.of("w0", "w1"), awardedIds(explanation, "webinar"));
        assertEquals(List.of("w2", "w3", "w4"), explanation.excluded().stream().map(CappedMatch::eventId).toList());
        CappedMatch first = explanation.excluded().get(0);
        assertEquals(new CappedMatch("w2", "webinar_attended", T.minus(Duration.ofDays(200)), "webinar", "webinar",
                10, "maxTimes 2 reached: awarded w0, w1"), first);
    }

    @Test
    void capWindowIsHalfOpenAndCountsOnlyAwardedFacts() {
        ScoringModel model = rules(obj("id", "pricing", "event", "page_view", "points", 1, "maxTimes", 2, "per", "P1D"));
        List<Fact> facts = List.of(
                view("e1", T, "/"),
                view("e2", T.plus(Duration.ofHours(12)), "/"),
                view("e3", T.plus(Duration.ofHours(20)), "/"), // two awarded in (T-4h, T+20h]
                view("e4", T.plus(Duration.ofHours(24)), "/"), // e1 is exactly 1 day earlier: outside the window
                view("e5", T.plus(Duration.ofHours(30)), "/"), // e2 and e4 inside
                view("e6", T.plus(Duration.ofHours(36)), "/")); // e2 exactly 1 day earlier; e3 never counted

        Explanation explanation = Scorer.explain(model, facts, T.plus(Duration.ofDays(2)));

        assertEquals(List.of("e1", "e2", "e4", "e6"), awardedIds(explanation, "pricing"));
        assertEquals(List.of("e3", "e5"), explanation.excluded().stream().map(CappedMatch::eventId).toList());
        assertEquals("maxTimes 2 per P1D reached: awarded e1, e2", explanation.excluded().get(0).reason());
        assertEquals("maxTimes 2 per P1D reached: awarded e2, e4", explanation.excluded().get(1).reason());
    }

    @Test
    void capWindowOneMillisecondShortOfPerStillCounts() {
        ScoringModel model = rules(obj("id", "r", "event", "page_view", "points", 1, "maxTimes", 1, "per", "PT1H"));
        List<Fact> facts = List.of(view("a", T, "/"), view("b", T.plus(Duration.ofHours(1)).minusMillis(1), "/"),
                view("c", T.plus(Duration.ofHours(1)), "/"));

        assertEquals(List.of("a", "c"), awardedIds(Scorer.explain(model, facts, T.plus(Duration.ofDays(1))), "r"));
    }

    @Test
    void factsAtTheSameInstantAreOrderedByEventId() {
        ScoringModel model = rules(obj("id", "once", "event", "page_view", "points", 1, "maxTimes", 1));

        Explanation explanation = Scorer.explain(model, List.of(view("b", T, "/"), view("a", T, "/")), T);

        assertEquals(List.of("a"), awardedIds(explanation, "once"));
        assertEquals("b", explanation.excluded().get(0).eventId());
    }

    @Test
    void negativePointsAndFloorAndCap() {
        ScoringModel model = model(obj("name", "Clamped", "floor", 0, "cap", 100, "bands", arr(obj("name", "all")),
                "rules", arr(obj("id", "careers", "event", "page_view", "points", -10),
                        obj("id", "demo", "event", "demo_request", "points", 40))));

        Explanation negative = Scorer.explain(model, List.of(view("c1", T, "/careers")), T);
        assertEquals(-10.0, negative.raw());
        assertEquals(0.0, negative.score());

        List<Fact> demos = List.of(Fact.event("d1", "demo_request", T, Map.of()),
                Fact.event("d2", "demo_request", T, Map.of()), Fact.event("d3", "demo_request", T, Map.of()));
        Explanation capped = Scorer.explain(model, demos, T);
        assertEquals(120.0, capped.raw());
        assertEquals(100.0, capped.score());
        assertEquals(0.0, capped.floor());
        assertEquals(100.0, capped.cap());
    }

    @Test
    void bandIsTheLastBandTheScoreReaches() {
        ScoringModel withOpenFirst = model(obj("name", "B", "bands", arr(obj("name", "cold", "from", null),
                obj("name", "warm", "from", 21), obj("name", "hot", "from", 50)), "rules", arr()));
        assertEquals("cold", withOpenFirst.bandFor(-1e9).name());
        assertEquals("cold", withOpenFirst.bandFor(20.999).name());
        assertEquals("warm", withOpenFirst.bandFor(21).name(), "from is inclusive");
        assertEquals("warm", withOpenFirst.bandFor(49.99).name());
        assertEquals("hot", withOpenFirst.bandFor(50).name());
        assertEquals("hot", withOpenFirst.bandFor(1e9).name());

        ScoringModel withoutOpenBand = model(obj("name", "B", "bands", arr(obj("name", "warm", "from", 10),
                obj("name", "hot", "from", 50)), "rules", arr(obj("id", "v", "event", "page_view", "points", 5))));
        assertNull(withoutOpenBand.bandFor(9.99));
        ScoreResult below = Scorer.score(withoutOpenBand, List.of(view("a", T, "/")), T);
        assertEquals(new ScoreResult(5.0, null), below, "below the first band's from: no band");
        assertEquals("warm", Scorer.score(withoutOpenBand, List.of(view("a", T, "/"), view("b", T, "/")), T).band());
    }

    @Test
    void eventPointsHalveEveryHalfLife() {
        ScoringModel model = model(obj("name", "Decay", "halfLife", "P30D", "bands", arr(obj("name", "all")),
                "rules", arr(obj("id", "demo", "event", "demo_request", "points", 40))));
        List<Fact> demo = List.of(Fact.event("d", "demo_request", T, Map.of()));

        assertEquals(40.0, score(model, demo, T));
        assertEquals(20.0, score(model, demo, T.plus(Duration.ofDays(30))));
        assertEquals(10.0, score(model, demo, T.plus(Duration.ofDays(60))), "40 points, 60 days at P30D: 10");
        assertEquals(40 / Math.sqrt(2), score(model, demo, T.plus(Duration.ofDays(15))), 1e-12);
        Contribution contribution = Scorer.explain(model, demo, T.plus(Duration.ofDays(60))).contributions().get(0);
        assertEquals(new Contribution(Kind.EVENT, "d", null, "demo_request", T, "demo", "demo", 40, 0.25, 10), contribution);

        ScoringModel noDecay = rules(obj("id", "demo", "event", "demo_request", "points", 40));
        assertEquals(40.0, score(noDecay, demo, T.plus(Duration.ofDays(3650))));
    }

    /** The example model on a small lead, every number worked out by hand (all decay factors are powers of 2). */
    @Test
    void exampleModelOnAHandComputedLead() {
        ScoringModel model = ExampleModel.model();
        List<Fact> facts = List.of(
                profile("pf1", T.minus(Duration.ofDays(40)), "jobTitle", "VP Marketing", "companySize", "250",
                        "country", "DE"),
                profile("pf2", T.minus(Duration.ofDays(35)), "country", null),
                view("p1", T.minus(Duration.ofDays(60)), "https://acme.com/pricing"),
                view("p2", T.minus(Duration.ofDays(60)), "https://acme.com/pricing"),
                view("p3", T.minus(Duration.ofDays(60)), "https://acme.com/pricing"),
                view("p4", T.minus(Duration.ofDays(60)), "https://acme.com/pricing#faq"),
                Fact.event("d1", "demo_request", T.minus(Duration.ofDays(30)), Map.of()),
                view("p5", T.minus(Duration.ofDays(30)), "https://acme.com/Pricing?ref=ad"),
                view("c1", T, "https://acme.com/careers"),
                view("p1", T.minus(Duration.ofDays(10)), "https://acme.com/pricing"), // duplicate id: the earlier counts
                Fact.event("d2", "demo_request", T.plus(Duration.ofDays(1)), Map.of())); // not yet

        Explanation explanation = Scorer.explain(model, facts, T);

        Instant sixtyDaysAgo = T.minus(Duration.ofDays(60));
        Instant thirtyDaysAgo = T.minus(Duration.ofDays(30));
        assertEquals(List.of(
                new Contribution(Kind.ATTRIBUTE, null, "jobTitle", null, null, "senior-title", "Senior job title", 20, 1,
                        20),
                new Contribution(Kind.ATTRIBUTE, null, "companySize", null, null, "mid-market", "mid-market", 15, 1, 15),
                new Contribution(Kind.EVENT, "p1", null, "page_view", sixtyDaysAgo, "pricing-page", "Viewed pricing", 15,
                        0.25, 3.75),
                new Contribution(Kind.EVENT, "p2", null, "page_view", sixtyDaysAgo, "pricing-page", "Viewed pricing", 15,
                        0.25, 3.75),
                new Contribution(Kind.EVENT, "p3", null, "page_view", sixtyDaysAgo, "pricing-page", "Viewed pricing", 15,
                        0.25, 3.75),
                new Contribution(Kind.EVENT, "d1", null, "demo_request", thirtyDaysAgo, "demo", "Requested a demo", 40,
                        0.5, 20),
                new Contribution(Kind.EVENT, "p5", null, "page_view", thirtyDaysAgo, "pricing-page", "Viewed pricing", 15,
                        0.5, 7.5),
                new Contribution(Kind.EVENT, "c1", null, "page_view", T, "careers", "Visited careers", -10, 1, -10)),
                explanation.contributions());
        assertEquals(List.of(new CappedMatch("p4", "page_view", sixtyDaysAgo, "pricing-page", "Viewed pricing", 15,
                "maxTimes 3 per P7D reached: awarded p1, p2, p3")), explanation.excluded());
        assertEquals(63.75, explanation.raw());
        assertEquals(63.75, explanation.score());
        assertEquals("hot", explanation.band());
        assertEquals(Map.of("jobTitle", "VP Marketing", "companySize", "250"), explanation.profile());
        assertEquals("engagement", explanation.modelId());
        assertEquals(1, explanation.modelVersion());
        assertEquals(T, explanation.at());
        assertEquals(new ScoreResult(63.75, "hot"), Scorer.score(model, facts, T));

        assertEquals(List.of(new RuleTotal("demo", "Requested a demo", Kind.EVENT, 1, 20),
                new RuleTotal("senior-title", "Senior job title", Kind.ATTRIBUTE, 1, 20),
                new RuleTotal("pricing-page", "Viewed pricing", Kind.EVENT, 4, 18.75)),
                Scorer.topContributions(explanation, 3));
        assertEquals(5, Scorer.topContributions(explanation, 10).size());
        assertEquals(new RuleTotal("mid-market", "mid-market", Kind.ATTRIBUTE, 1, 15),
                Scorer.topContributions(explanation, 10).get(3), "a rule without a label is labelled by its id");
        assertEquals(new RuleTotal("careers", "Visited careers", Kind.EVENT, 1, -10),
                Scorer.topContributions(explanation, 10).get(4));
        assertEquals(List.of(), Scorer.topContributions(explanation, 0));
        assertThrows(IllegalArgumentException.class, () -> Scorer.topContributions(explanation, -1));
    }

    @Test
    void leadWithNoFactsScoresZero() {
        Explanation explanation = Scorer.explain(ExampleModel.model(), List.of(), T);

        assertEquals(0.0, explanation.score());
        assertEquals("cold", explanation.band());
        assertEquals(List.of(), explanation.contributions());
        assertEquals(Map.of(), explanation.profile());
        assertTrue(Scorer.nextChange(ExampleModel.model(), List.of(), T).isEmpty());
    }
}
