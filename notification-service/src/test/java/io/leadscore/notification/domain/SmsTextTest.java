package io.leadscore.notification.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class SmsTextTest {

    @Test
    void shortTextKeepsItsLinkAndGsmFriendlyCharacters() {
        String sms = SmsText.fit("New SQL: Zoë Müller — viewed pricing 3× “today”", "https://x.test/l");
        assertEquals("New SQL: Zoe Muller - viewed pricing 3x \"today\" https://x.test/l", sms);
    }

    @Test
    void negativePointsKeepTheirSign() {
        assertEquals("Visited careers (-10), Unsubscribed 2x (-50)",
                SmsText.fit("Visited careers (−10), Unsubscribed 2× (−50)", null));
    }

    @Test
    void longLabelsStillFitOneSegment() {
        String label = "Requested a demo of the enterprise plan with single sign-on, audit logs and a dedicated "
                + "success manager for the team";
        String reasons = AlertContent.ruleReason(new Alert.RuleReason("demo", 2, 80, label)) + ", "
                + AlertContent.ruleReason(new Alert.RuleReason("careers", 1, -10, "Visited careers"));
        String sms = SmsText.fit("New SQL: Ana Silva, follow up by Thu 15 Jan 14:30 CET. " + reasons,
                "https://api.test/v1/leads/lead-1/scores/engagement/explanation");
        assertTrue(sms.length() <= SmsText.MAX_LENGTH, sms.length() + ": " + sms);
        assertTrue(sms.startsWith("New SQL: Ana Silva, follow up by Thu 15 Jan 14:30 CET. Requested a demo"), sms);
        assertTrue(sms.endsWith("..."), sms);
    }

    @Test
    void longTextDropsTheLinkAndIsCutAtAWord() {
        String text = "New SQL: " + "very ".repeat(60) + "long";
        String sms = SmsText.fit(text, "https://x.test/" + "l".repeat(40));
        assertTrue(sms.length() <= 160, sms.length() + ": " + sms);
        assertTrue(sms.endsWith("very..."), sms);
        assertFalse(sms.contains("https://"));
    }

    @Test
    void neverLongerThan160PlainCharacters() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String alphabet = "abc ÄÖÜ×—…€😀\t\n0123456789";
        for (int i = 0; i < 500; i++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(400);
            for (int j = 0; j < n; j++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String sms = SmsText.fit(sb.toString(), random.nextBoolean() ? "https://l.test/x" : null);
            assertTrue(sms.length() <= SmsText.MAX_LENGTH, "seed " + seed + ": " + sms);
            assertTrue(sms.chars().allMatch(c -> c >= 0x20 && c <= 0x7e), "seed " + seed + ": " + sms);
        }
    }
}
