package io.leadscore.notification.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RuleReasonTextTest {

    @Test
    void rulesReadAsPlainWordsWithCountsAndSignedPoints() {
        assertEquals("demo (+40)", AlertContent.ruleReason(new Alert.RuleReason("demo", 1, 40)));
        assertEquals("pricing page 3× (+44.7)", AlertContent.ruleReason(new Alert.RuleReason("pricing-page", 3, 44.71)));
        assertEquals("careers (−10)", AlertContent.ruleReason(new Alert.RuleReason("careers", 1, -10)));
        assertEquals("senior title (+20)", AlertContent.ruleReason(new Alert.RuleReason("senior_title", 0, 20)));
    }
}
