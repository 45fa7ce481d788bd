package io.leadscore.notification.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.leadscore.contracts.LeadEscalated;
import io.leadscore.contracts.LeadStageChanged;
import io.leadscore.contracts.ScoreChanged;

class AlertDeciderTest {

    static final Set<AlertKind> ALL = EnumSet.allOf(AlertKind.class);

    static LeadStageChanged changed(String from, String to, String rule, String owner, boolean alert) {
        return new LeadStageChanged(1, "acme", "lead-1", "tr-1", from, to, rule, 3,
                List.of(new LeadStageChanged.ModelScore("engagement", 2, 87.25, "hot"),
                        new LeadStageChanged.ModelScore("fit", 1, 62, "warm")),
                owner, "team-a", "rule sql-hot matched", Instant.parse("2026-01-15T13:30:00Z"), alert,
                Instant.parse("2026-01-15T12:30:00Z"), Map.of("firstName", "Ana", "lastName", "Silva",
                        "jobTitle", "VP Marketing", "company", "Acme"),
                Instant.parse("2026-01-15T12:29:59.950Z"));
    }

    @Test
    void enteringMqlOrSqlAlertsTheOwner() {
        Alert a = AlertDecider.decide(changed("mql", "sql", "sql-hot", "rep-1", true), ALL).orElseThrow();
        assertEquals(AlertKind.SQL, a.kind());
        assertEquals("rep-1", a.repId());
        assertEquals("tr-1:email:rep-1", a.idempotencyKey(Channel.EMAIL));
        assertEquals(AlertKind.MQL, AlertDecider.decide(changed("nurture", "mql", "mql", "rep-1", true), ALL)
                .orElseThrow().kind());
    }

    @Test
    void aReassignmentAlertsTheNewOwner() {
        Alert a = AlertDecider.decide(changed("sql", "sql", "reassign", "rep-2", true), ALL).orElseThrow();
        assertEquals(AlertKind.REASSIGNMENT, a.kind());
        assertEquals("rep-2", a.repId());
    }

    @Test
    void nobodyIsAlertedWithoutOwnerPolicyOrTenantSetting() {
        assertTrue(AlertDecider.decide(changed("mql", "sql", "r", null, true), ALL).isEmpty());
        assertTrue(AlertDecider.decide(changed("mql", "sql", "r", "rep-1", false), ALL).isEmpty());
        assertTrue(AlertDecider.decide(changed("mql", "sql", "r", "rep-1", true), EnumSet.of(AlertKind.MQL))
                .isEmpty());
        assertTrue(AlertDecider.decide(changed("mql", "nurture", "r", "rep-1", true), ALL).isEmpty());
    }

    @Test
    void anEscalationAlertsTheManager() {
        LeadEscalated e = new LeadEscalated(1, "acme", "lead-1", "esc-1", "sql", "rep-1", "team-a", "boss",
                "rep-2", Instant.parse("2026-01-15T13:30:00Z"), Instant.parse("2026-01-15T13:30:05Z"));
        Alert a = AlertDecider.decide(e, ALL).orElseThrow();
        assertEquals(AlertKind.ESCALATION, a.kind());
        assertEquals("boss", a.repId());
        assertEquals("SLA missed by rep-1; reassigned to rep-2", a.routingReason());
        assertTrue(AlertDecider.decide(new LeadEscalated(1, "acme", "lead-1", "esc-1", "sql", "rep-1", "team-a",
                null, null, null, null), ALL).isEmpty());
    }

    @Test
    void unreadableMessagesSayWhy() {
        var bad = new LeadStageChanged(9, "acme", "l", "t", null, "sql", "r", 1, List.of(), "rep", null, null, null,
                true, null, null, null);
        assertEquals("unsupported schemaVersion 9",
                assertThrows(AlertDecider.UnreadableMessage.class, () -> AlertDecider.decide(bad, ALL)).getMessage());
        var noId = new LeadStageChanged(1, "acme", "l", null, null, "sql", "r", 1, List.of(), "rep", null, null, null,
                true, null, null, null);
        assertEquals("transitionId is missing",
                assertThrows(AlertDecider.UnreadableMessage.class, () -> AlertDecider.decide(noId, ALL)).getMessage());
    }

    @Test
    void theScoringRulesLabelsLeadTheReasons() {
        LeadStageChanged m = changed("mql", "sql", "sql-hot", "rep-1", true);
        LeadStageChanged withReasons = new LeadStageChanged(m.schemaVersion(), m.tenant(), m.leadId(),
                m.transitionId(), m.fromStage(), m.toStage(), m.ruleId(), m.policyVersion(), List.of(
                        new LeadStageChanged.ModelScore("engagement", 2, 87.25, "hot", List.of(
                                new ScoreChanged.RuleContribution("pricing-page", 3, 44.71, "Viewed pricing"),
                                new ScoreChanged.RuleContribution("demo", 1, 40, "Requested a demo"))),
                        new LeadStageChanged.ModelScore("fit", 1, 62, "warm", List.of(
                                new ScoreChanged.RuleContribution("senior-title", 1, 20, "Senior job title"),
                                new ScoreChanged.RuleContribution("student", 1, -5)))),
                m.ownerRepId(), m.teamId(), m.reason(), m.slaDeadline(), m.alert(), m.changedAt(), m.attributes(),
                m.sourceReceivedAt());

        Alert a = AlertDecider.decide(withReasons, ALL).orElseThrow();
        assertEquals(List.of(new Alert.RuleReason("pricing-page", 3, 44.71, "Viewed pricing"),
                new Alert.RuleReason("demo", 1, 40, "Requested a demo")), a.scores().get(0).reasons());
        AlertContent c = AlertContent.of(a, ZoneId.of("Europe/Berlin"), "https://api.test/");
        assertEquals(List.of("Viewed pricing 3× (+44.7)", "Requested a demo (+40)", "Senior job title (+20)",
                "student (−5)", "Engagement 87.3 (hot)", "Fit 62 (warm)", "moved from mql to sql",
                "rule sql-hot matched", "VP Marketing at Acme"), c.reasons());
    }

    @Test
    void contentSpeaksPlainWords() {
        Alert a = AlertDecider.decide(changed("mql", "sql", "sql-hot", "rep-1", true), ALL).orElseThrow();
        AlertContent c = AlertContent.of(a, ZoneId.of("Europe/Berlin"), "https://api.test/");
        assertEquals("Ana Silva", c.leadName());
        assertEquals("New SQL: Ana Silva", c.headline());
        assertEquals(List.of("Engagement 87.3 (hot)", "Fit 62 (warm)", "moved from mql to sql",
                "rule sql-hot matched", "VP Marketing at Acme"), c.reasons());
        assertEquals("Thu 15 Jan 14:30 CET", c.slaDeadline());
        assertEquals("https://api.test/v1/leads/lead-1/scores/engagement/explanation", c.link());
    }
}
