package io.leadscore.notification.domain;

import java.time.Duration;

/**
 * Exponential back-off with jitter: the n-th retry waits between half and all of {@code base × 2^(n-1)}, capped at
 * {@code max}. Jitter spreads the retries of many deliveries that failed together, so a recovering provider is not hit
 * by all of them at once.
 */
public final class Backoff {

    private Backoff() {
    }

    /**
     * @param failedAttempts how many attempts have failed so far (≥ 1)
     * @param random a number in [0, 1), passed in so the decision stays deterministic
     */
    public static Duration delay(int failedAttempts, Duration base, Duration max, double random) {
        int exponent = Math.min(Math.max(failedAttempts - 1, 0), 30);
        long ceiling = Math.min(max.toMillis(), base.toMillis() * (1L << exponent));
        long half = ceiling / 2;
        return Duration.ofMillis(half + (long) (random * (ceiling - half)));
    }
}
