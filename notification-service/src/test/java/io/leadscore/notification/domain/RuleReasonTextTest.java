package io.leadscore.notification.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RuleReasonTextTest {

    @Test
    void rulesReadAsTheirLabelsWithCountsAndSignedPoints() {
        assertEquals("Requested a demo (+40)",
                AlertContent.ruleReason(new Alert.RuleReason("demo", 1, 40, "Requested a demo")));
        assertEquals("Viewed pricing 3× (+44.7)",
                AlertContent.ruleReason(new Alert.RuleReason("pricing-page", 3, 44.71, "Viewed pricing")));
        assertEquals("Visited careers (−10)",
                AlertContent.ruleReason(new Alert.RuleReason("careers", 1, -10, "Visited careers")));
        assertEquals("Visited careers 2× (−17.5)",
                AlertContent.ruleReason(new Alert.RuleReason("careers", 2, -17.46, "Visited careers")));
        assertEquals("Senior job title (+20)",
                AlertContent.ruleReason(new Alert.RuleReason("senior-title", 1, 20, "Senior job title")));
    }

    @Test
    void pointsAreWholeWhenIntegralOtherwiseOneDecimal() {
        assertEquals("+40", AlertContent.signedPoints(39.96));
        assertEquals("+35.7", AlertContent.signedPoints(35.67027212986708));
        assertEquals("+0.1", AlertContent.signedPoints(0.05));
        assertEquals("+0", AlertContent.signedPoints(-0.04));
        assertEquals("−0.5", AlertContent.signedPoints(-0.5));
        assertEquals("+1250", AlertContent.signedPoints(1250));
    }

    @Test
    void withoutALabelTheRuleIdStandsIn() {
        assertEquals("pricing-page 3× (+45)", AlertContent.ruleReason(new Alert.RuleReason("pricing-page", 3, 45)));
        assertEquals("demo (+40)", AlertContent.ruleReason(new Alert.RuleReason("demo", 1, 40, " ")));
        assertEquals("demo", new Alert.RuleReason("demo", 1, 40, null).label());
    }
}
