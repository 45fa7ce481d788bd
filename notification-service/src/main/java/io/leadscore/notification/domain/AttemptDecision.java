package io.leadscore.notification.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * What follows one attempt: delivered; failed for good (a permanent answer, or the last allowed attempt failed); or
 * pending with the next attempt scheduled after an exponential, jittered back-off.
 *
 * @param attempt the number of the attempt just made (1-based)
 * @param outcome recorded with the attempt: {@code delivered}, {@code retry} or {@code failed}
 * @param nextAttemptAt when to try again (only for {@code pending})
 * @param reason why the delivery is not delivered (null when delivered)
 */
public record AttemptDecision(int attempt, DeliveryStatus status, String outcome, Instant nextAttemptAt,
        String reason) {

    public static AttemptDecision after(int previousAttempts, SendResult result, int maxAttempts, Instant now,
            Duration base, Duration max, double random) {
        int attempt = previousAttempts + 1;
        switch (result.outcome()) {
            case DELIVERED :
                return new AttemptDecision(attempt, DeliveryStatus.DELIVERED, "delivered", null, null);
            case PERMANENT :
                return new AttemptDecision(attempt, DeliveryStatus.FAILED, "failed", null,
                        "permanent failure: " + result.response());
            default :
                if (attempt >= maxAttempts) {
                    return new AttemptDecision(attempt, DeliveryStatus.FAILED, "failed", null,
                            "gave up after " + attempt + " attempts: " + result.response());
                }
                return new AttemptDecision(attempt, DeliveryStatus.PENDING, "retry",
                        now.plus(Backoff.delay(attempt, base, max, random)),
                        "retrying after: " + result.response());
        }
    }
}
