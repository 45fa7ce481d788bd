package io.leadscore.routing.domain;

import static io.leadscore.routing.domain.DomainFixtures.EXAMPLE;
import static io.leadscore.routing.domain.DomainFixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.leadscore.routing.domain.policy.PolicyError;
import io.leadscore.routing.domain.policy.PolicyParseResult;
import io.leadscore.routing.domain.policy.PolicyParser;
import io.leadscore.routing.domain.policy.RoutingPolicy;

class PolicyParserTest {

    @Test
    void parsesTheIssuesExampleWithDefaults() {
        RoutingPolicy p = DomainFixtures.policy(EXAMPLE, 3);
        assertEquals(3, p.version());
        assertEquals(List.of("sql-hot-fit", "mql-hot"), p.rules().stream().map(r -> r.id()).toList());
        assertEquals(Stage.NURTURE, p.defaultStage());
        assertEquals(5, p.margin());
        assertEquals(Duration.ofHours(24), p.dwell());
        assertEquals(Duration.ofHours(4), p.sla(Stage.SQL));
        assertEquals(Duration.ofDays(1), p.sla(Stage.MQL));
        assertEquals(Set.of(Stage.MQL, Stage.SQL), p.alertStages());
        assertEquals(Set.of(Stage.CONVERTED, Stage.LOST), p.finalStages());
        assertNull(p.rankBy());
    }

    @Test
    void theShippedDefaultPolicyIsValid() throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("default-policy.json")) {
            PolicyParseResult r = PolicyParser.parse(DomainFixtures.JSON.readValue(in, Object.class), 0);
            assertEquals(List.of(), r.errors());
            assertEquals("engagement", r.policy().rankBy());
        }
    }

    @Test
    void anEmptyPolicyPutsEveryLeadInTheDefaultStage() {
        RoutingPolicy p = PolicyParser.parse(json("{}"), 1).policy();
        assertEquals(List.of(), p.rules());
        assertEquals(0, p.margin());
        assertNull(p.dwell());
        assertEquals(Duration.ofDays(30), p.rejectCooldown());
        assertEquals(Duration.ofDays(14), PolicyParser.parse(json("{\"rejectCooldown\": \"P2W\"}"), 1).policy()
                .rejectCooldown(), "weeks are allowed, as in scoring models");
    }

    @Test
    void listsEveryProblemWithRuleAndPath() {
        PolicyParseResult r = PolicyParser.parse(json("{\"rules\": [{\"id\": \"Bad Id\", \"stage\": \"sql\", "
                + "\"when\": {\"all\": [{\"model\": \"m\", \"band\": \"hot\", \"colour\": 1}, {\"any\": []}]}, "
                + "\"extra\": true}]}"), 1);
        assertFalse(r.isValid());
        assertEquals(List.of(
                new PolicyError("Bad Id", "rules[0].extra", "unknown field (allowed: [id, stage, when])"),
                new PolicyError("Bad Id", "rules[0].id", "must be a rule id matching [a-z0-9][a-z0-9_-]{0,63}, not "
                        + "'Bad Id'"),
                new PolicyError("Bad Id", "rules[0].when.all[0].colour",
                        "unknown field (allowed: [band, bandIn, model, scoreGte, scoreLt])"),
                new PolicyError("Bad Id", "rules[0].when.all[1].any", "must be a non-empty array of conditions")),
                r.errors());
    }

    @Test
    void durationsOverAHundredYearsAreRejectedNamingTheField() {
        PolicyParseResult r = PolicyParser.parse(json("{\"sla\": {\"mql\": \"P200000000D\", \"sql\": \"P36526D\"}, "
                + "\"hysteresis\": {\"dwell\": \"P5218W\"}, \"rejectCooldown\": \"PT876601H\"}"), 1);
        assertFalse(r.isValid());
        assertNull(r.policy());
        assertEquals(List.of(
                new PolicyError(null, "hysteresis.dwell", "must be at most P36525D (100 years), not P5218W"),
                new PolicyError(null, "sla.mql", "must be at most P36525D (100 years), not P200000000D"),
                new PolicyError(null, "sla.sql", "must be at most P36525D (100 years), not P36526D"),
                new PolicyError(null, "rejectCooldown", "must be at most P36525D (100 years), not PT876601H")),
                r.errors());

        RoutingPolicy atTheBound = PolicyParser.parse(json("{\"sla\": {\"mql\": \"P36525D\"}, \"hysteresis\": "
                + "{\"dwell\": \"PT876600H\"}, \"rejectCooldown\": \"P36525D\"}"), 1).policy();
        assertEquals(Duration.ofDays(36_525), atTheBound.sla(Stage.MQL));
        assertEquals(Duration.ofDays(36_525), atTheBound.dwell());
        assertEquals(Duration.ofDays(36_525), atTheBound.rejectCooldown());
    }

    @Test
    void aStoredVersionPublishedBeforeTheBoundIsReadWithItsDurationsCutToTheBound() {
        Object stored = json("{\"sla\": {\"mql\": \"P200000000D\", \"sql\": \"PT4H\"}, \"rejectCooldown\": "
                + "\"P999999W\"}");
        PolicyParseResult r = PolicyParser.parseStored(stored, 4);
        assertEquals(List.of(), r.errors());
        assertEquals(Duration.ofDays(36_525), r.policy().sla(Stage.MQL));
        assertEquals(Duration.ofHours(4), r.policy().sla(Stage.SQL));
        assertEquals(Duration.ofDays(36_525), r.policy().rejectCooldown());
        assertEquals(4, r.policy().version());
        assertFalse(PolicyParser.parseStored(json("{\"sla\": {\"sql\": \"P-1D\"}}"), 4).isValid(),
                "only the bound is relaxed for stored versions");
    }
}
