package io.leadscore.notification.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;

class BackoffAndDecisionTest {

    static final Duration BASE = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofMinutes(5);

    @Test
    void delaysDoubleWithJitterAndStayUnderTheCap() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int attempt = 1; attempt <= 40; attempt++) {
            long ceiling = Math.min(MAX.toMillis(), BASE.toMillis() << Math.min(attempt - 1, 30));
            long delay = Backoff.delay(attempt, BASE, MAX, random.nextDouble()).toMillis();
            assertTrue(delay >= ceiling / 2 && delay <= ceiling, "seed " + seed + " attempt " + attempt + ": "
                    + delay);
        }
        assertEquals(500, Backoff.delay(1, BASE, MAX, 0).toMillis());
        assertEquals(8000, Backoff.delay(4, BASE, MAX, 0.999999).toMillis(), 1);
    }

    @Test
    void transientFailuresRetryUntilTheLastAttempt() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        SendResult down = SendResult.ofHttpStatus(503, "down");
        AttemptDecision first = AttemptDecision.after(0, down, 6, now, BASE, MAX, 0);
        assertEquals(DeliveryStatus.PENDING, first.status());
        assertEquals("retry", first.outcome());
        assertEquals(now.plusMillis(500), first.nextAttemptAt());
        AttemptDecision last = AttemptDecision.after(5, down, 6, now, BASE, MAX, 0);
        assertEquals(DeliveryStatus.FAILED, last.status());
        assertEquals(6, last.attempt());
        assertTrue(last.reason().contains("gave up after 6 attempts"), last.reason());
    }

    @Test
    void permanentFailuresStopAtOnceAndSuccessIsFinal() {
        Instant now = Instant.now();
        AttemptDecision bad = AttemptDecision.after(0, SendResult.ofHttpStatus(400, "invalid 'To'"), 6, now, BASE,
                MAX, 0.5);
        assertEquals(DeliveryStatus.FAILED, bad.status());
        assertNull(bad.nextAttemptAt());
        AttemptDecision ok = AttemptDecision.after(1, SendResult.ofHttpStatus(201, "{}"), 6, now, BASE, MAX, 0.5);
        assertEquals(DeliveryStatus.DELIVERED, ok.status());
        assertEquals(2, ok.attempt());
    }

    @Test
    void providerAnswersAreClassified() {
        assertEquals(SendResult.Outcome.TRANSIENT, SendResult.ofHttpStatus(500, null).outcome());
        assertEquals(SendResult.Outcome.TRANSIENT, SendResult.ofHttpStatus(429, null).outcome());
        assertEquals(SendResult.Outcome.TRANSIENT, SendResult.ofHttpStatus(408, null).outcome());
        assertEquals(SendResult.Outcome.PERMANENT, SendResult.ofHttpStatus(404, null).outcome());
        assertEquals(SendResult.Outcome.PERMANENT, SendResult.ofHttpStatus(301, null).outcome());
        assertEquals(SendResult.Outcome.DELIVERED, SendResult.ofHttpStatus(204, null).outcome());
        assertEquals(SendResult.Outcome.TRANSIENT, SendResult.ofSmtpReply(451, "try later").outcome());
        assertEquals(SendResult.Outcome.PERMANENT, SendResult.ofSmtpReply(550, "no such user").outcome());
        assertEquals("SMTP 550 no such user", SendResult.ofSmtpReply(550, "no such user").response());
        assertEquals(SendResult.MAX_RESPONSE, SendResult.ofHttpStatus(500, "x".repeat(2000)).response().length());
    }
}
