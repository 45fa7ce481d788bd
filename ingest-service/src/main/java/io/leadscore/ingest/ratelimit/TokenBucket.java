package io.leadscore.ingest.ratelimit;

/**
 * A token bucket: {@code ratePerSecond} tokens flow in continuously up to {@code capacity}. Pure: the caller passes the
 * current time in nanoseconds.
 */
public final class TokenBucket {

    private final double ratePerSecond;
    private final double capacity;
    private double tokens;
    private long lastRefillNanos;

    public TokenBucket(double ratePerSecond, double capacity, long nowNanos) {
        this.ratePerSecond = ratePerSecond;
        this.capacity = capacity;
        this.tokens = capacity;
        this.lastRefillNanos = nowNanos;
    }

    /** The most tokens the bucket holds: a request for more can never pass. */
    public double capacity() {
        return capacity;
    }

    /**
     * Takes {@code n} tokens if available. Returns 0 when taken, else the whole seconds to wait before {@code n} tokens
     * could be there (at least 1), for a {@code Retry-After} header.
     */
    public synchronized long tryTake(int n, long nowNanos) {
        double elapsedSeconds = (nowNanos - lastRefillNanos) / 1e9;
        if (elapsedSeconds > 0) {
            tokens = Math.min(capacity, tokens + elapsedSeconds * ratePerSecond);
            lastRefillNanos = nowNanos;
        }
        if (tokens >= n) {
            tokens -= n;
            return 0;
        }
        double missing = Math.min(n, capacity) - tokens;
        return Math.max(1, (long) Math.ceil(missing / ratePerSecond));
    }
}
