package io.leadscore.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RuleContributionJsonTest {

    private static final Instant AT = Instant.parse("2026-11-01T10:00:00Z");

    @Test
    void labelsTravelOnScoreChangesAndStageChanges() throws Exception {
        var top = List.of(new ScoreChanged.RuleContribution("pricing-page", 3, 44.7, "Viewed pricing"),
                new ScoreChanged.RuleContribution("demo", 1, 40, "Requested a demo"));
        var change = new ScoreChanged(1, "acme", "lead-7", "engagement", 2, 10.0, 84.7, "warm", "hot",
                ScoreChanged.Cause.event("e-1"), AT, top, Map.of(), AT);

        String json = ContractsJson.mapper().writeValueAsString(change);
        assertTrue(json.contains("{\"ruleId\":\"demo\",\"count\":1,\"points\":40.0,\"label\":\"Requested a demo\"}"),
                json);
        assertEquals(change, ContractsJson.mapper().readValue(json, ScoreChanged.class));

        var stage = new LeadStageChanged(1, "acme", "lead-7", "t-1", "nurture", "mql", "mql-hot", 3,
                List.of(new LeadStageChanged.ModelScore("engagement", 2, 84.7, "hot", top)), "rep-1", "inside",
                "rule mql-hot matched", null, true, AT, Map.of(), AT);
        LeadStageChanged read = ContractsJson.mapper().readValue(ContractsJson.mapper().writeValueAsString(stage),
                LeadStageChanged.class);
        assertEquals(stage, read);
        assertEquals("Viewed pricing", read.scores().get(0).topContributions().get(0).label());
    }

    @Test
    void messagesWithoutLabelsReadAsTheRuleId() throws Exception {
        String old = """
                {"schemaVersion":1,"tenant":"acme","leadId":"lead-7","modelId":"engagement","modelVersion":1,
                 "score":40.0,"band":"warm","cause":{"type":"event","eventId":"e-1"},
                 "computedAt":"2026-11-01T10:00:00Z",
                 "topContributions":[{"ruleId":"demo","count":1,"points":40.0},
                                     {"ruleId":"careers","count":1,"points":-10.0,"label":null},
                                     {"ruleId":"blank","count":1,"points":1.0,"label":"  "}]}
                """;

        ScoreChanged read = ContractsJson.mapper().readValue(old, ScoreChanged.class);

        assertEquals(List.of(new ScoreChanged.RuleContribution("demo", 1, 40.0, "demo"),
                new ScoreChanged.RuleContribution("careers", 1, -10.0, "careers"),
                new ScoreChanged.RuleContribution("blank", 1, 1.0, "blank")), read.topContributions());
        assertEquals("demo", new ScoreChanged.RuleContribution("demo", 1, 40).label());
    }

    @Test
    void olderStageChangesWithoutLabelsStillParse() throws Exception {
        String old = """
                {"schemaVersion":1,"tenant":"acme","leadId":"lead-7","transitionId":"t-1","toStage":"mql",
                 "ruleId":"mql-hot","policyVersion":1,"alert":true,"changedAt":"2026-11-01T10:00:00Z",
                 "scores":[{"modelId":"engagement","modelVersion":1,"score":55.0,"band":"hot",
                            "topContributions":[{"ruleId":"pricing-page","count":3,"points":45.0}]}]}
                """;

        LeadStageChanged read = ContractsJson.mapper().readValue(old, LeadStageChanged.class);

        assertEquals(new ScoreChanged.RuleContribution("pricing-page", 3, 45.0, "pricing-page"),
                read.scores().get(0).topContributions().get(0));
    }
}
