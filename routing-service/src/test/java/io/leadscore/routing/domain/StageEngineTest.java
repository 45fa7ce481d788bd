package io.leadscore.routing.domain;

import static io.leadscore.routing.domain.DomainFixtures.EXAMPLE;
import static io.leadscore.routing.domain.DomainFixtures.T0;
import static io.leadscore.routing.domain.DomainFixtures.hours;
import static io.leadscore.routing.domain.DomainFixtures.lead;
import static io.leadscore.routing.domain.DomainFixtures.policy;
import static io.leadscore.routing.domain.DomainFixtures.scores;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.leadscore.routing.domain.policy.RoutingPolicy;

class StageEngineTest {

    static final RoutingPolicy POLICY = policy(EXAMPLE);

    @Test
    void aNewLeadTakesTheFirstMatchingRuleOrTheDefault() {
        StageDecision sql = StageEngine.decide(POLICY, lead(null, null, null,
                scores("engagement", 60, "hot", "fit", 80, "B")), T0);
        assertEquals(Stage.SQL, sql.to());
        assertEquals("sql-hot-fit", sql.ruleId());
        StageDecision mql = StageEngine.decide(POLICY, lead(null, null, null,
                scores("engagement", 60, "hot", "fit", 10, "D")), T0);
        assertEquals(Stage.MQL, mql.to());
        assertEquals("mql-hot", mql.ruleId());
        StageDecision nurture = StageEngine.decide(POLICY, lead(null, null, null, scores("engagement", 39.9, "warm")),
                T0);
        assertEquals(Stage.NURTURE, nurture.to());
        assertEquals("default", nurture.ruleId());
        assertTrue(nurture.reason().contains("default"), nurture.reason());
    }

    @Test
    void movingUpIsImmediateEvenPastAStage() {
        StageDecision d = StageEngine.decide(POLICY, lead(Stage.NURTURE, T0, "default",
                scores("engagement", 60, "hot", "fit", 80, "A")), T0.plusSeconds(1));
        assertEquals(Stage.SQL, d.to());
    }

    @Test
    void movingDownNeedsTheEntryRuleToFailEvenWithTheMargin() {
        LeadRouting held = lead(Stage.MQL, T0, "mql-hot", scores("engagement", 35, "warm"));
        StageDecision stay = StageEngine.decide(POLICY, held, T0.plus(hours(1)));
        assertFalse(stay.moves(), "35 >= 40 - 5");
        assertEquals(T0.plus(hours(24)), stay.recheckAt(), "look again when the dwell time is over");

        StageDecision down = StageEngine.decide(POLICY, lead(Stage.MQL, T0, "mql-hot",
                scores("engagement", 34.99, "warm")), T0.plus(hours(1)));
        assertEquals(Stage.NURTURE, down.to());
        assertTrue(down.reason().contains("mql-hot no longer holds even with the hysteresis margin of 5"),
                down.reason());
    }

    @Test
    void afterTheDwellTimeAnyDropMovesDown() {
        LeadRouting held = lead(Stage.MQL, T0, "mql-hot", scores("engagement", 38, "warm"));
        assertFalse(StageEngine.decide(POLICY, held, T0.plus(hours(24)).minusSeconds(1)).moves());
        StageDecision down = StageEngine.decide(POLICY, held, T0.plus(hours(24)));
        assertEquals(Stage.NURTURE, down.to());
        assertTrue(down.reason().contains("dwell"), down.reason());
    }

    @Test
    void bandConditionsGetNoMargin() {
        // In sql through "engagement hot"; the band drops to warm: the rule fails, margin or not.
        StageDecision d = StageEngine.decide(POLICY, lead(Stage.SQL, T0, "sql-hot-fit",
                scores("engagement", 49, "warm", "fit", 80, "A")), T0.plus(hours(1)));
        assertEquals(Stage.MQL, d.to(), "mql-hot still holds through the score");
    }

    @Test
    void anEntryRuleThatNoLongerExistsIsReplacedByTheStagesRules() {
        LeadRouting l = lead(Stage.MQL, T0, "old-rule", scores("engagement", 36, "warm"));
        assertFalse(StageEngine.decide(POLICY, l, T0.plus(hours(1))).moves(), "mql-hot with margin holds");
        RoutingPolicy noMql = policy("{\"rules\": [], \"hysteresis\": {\"margin\": 50}}");
        assertEquals(Stage.NURTURE, StageEngine.decide(noMql, l, T0.plus(hours(1))).to());
    }

    @Test
    void aCoolDownKeepsARejectedLeadInNurture() {
        LeadRouting cooling = new LeadRouting("acme", "l1", Stage.NURTURE, T0, "feedback", 1, null, null, null,
                T0.plus(hours(48)), null, scores("engagement", 90, "hot"), Map.of(), null, 3, null);
        StageDecision d = StageEngine.decide(POLICY, cooling, T0.plus(hours(1)));
        assertFalse(d.moves());
        assertEquals(T0.plus(hours(48)), d.recheckAt());
        assertEquals(Stage.MQL, StageEngine.decide(POLICY, cooling, T0.plus(hours(48))).to());
    }

    @Test
    void acceptedAndFinalOutcomesAreNotMovedByScoresUnlessThePolicySaysSo() {
        Map<String, ModelScore> hot = scores("engagement", 90, "hot", "fit", 90, "A");
        assertFalse(StageEngine.decide(POLICY, lead(Stage.ACCEPTED, T0, "feedback", hot), T0).moves());
        assertFalse(StageEngine.decide(POLICY, lead(Stage.CONVERTED, T0, "feedback", hot), T0).moves());
        assertFalse(StageEngine.decide(POLICY, lead(Stage.LOST, T0, "feedback", hot), T0).moves());
        RoutingPolicy reopenLost = policy(EXAMPLE.replace("\"rejectCooldown\"", "\"finalStages\": [\"converted\"], "
                + "\"rejectCooldown\""));
        StageDecision d = StageEngine.decide(reopenLost, lead(Stage.LOST, T0, "feedback", hot), T0);
        assertEquals(Stage.SQL, d.to());
        assertTrue(d.reason().contains("lost is not final"), d.reason());
    }

    @Test
    void attributeConditionsTakePartInRules() {
        RoutingPolicy p = policy("{\"rules\": [{\"id\": \"big\", \"stage\": \"sql\", \"when\": {\"all\": ["
                + "{\"attribute\": \"companySize\", \"gte\": 1000}, {\"attribute\": \"country\", \"in\": [\"de\", "
                + "\"at\"]}, {\"attribute\": \"industry\", \"notIn\": [\"gambling\"]}]}}]}");
        LeadRouting big = new LeadRouting("acme", "l1", null, null, null, 0, null, null, null, null, null, Map.of(),
                Map.of("companySize", "5000", "country", "DE"), null, 0, null);
        assertEquals(Stage.SQL, StageEngine.decide(p, big, T0).to(), "numeric strings compare as numbers, case ignored");
        LeadRouting gambling = new LeadRouting("acme", "l1", null, null, null, 0, null, null, null, null, null,
                Map.of(), Map.of("companySize", 5000, "country", "AT", "industry", "Gambling"), null, 0, null);
        assertEquals(Stage.NURTURE, StageEngine.decide(p, gambling, T0).to());
        assertNull(StageEngine.decide(p, lead(Stage.NURTURE, T0, "default", Map.of()), T0).to());
    }
}
