package io.leadscore.ingest.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/** One token bucket per tenant, counting events (not requests), so a 1,000-event batch costs 1,000 tokens. */
@ApplicationScoped
public class TenantRateLimiter {

    private final RateLimitConfig config;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    public TenantRateLimiter(RateLimitConfig config) {
        this.config = config;
    }

    /** 0 when the events may pass, else seconds to wait. */
    public long tryAcquire(String tenant, int events) {
        long now = System.nanoTime();
        return bucket(tenant, now).tryTake(events, now);
    }

    /**
     * The most events the tenant may send at once: its whole bucket. A request with more would wait forever, so it is
     * refused as too large instead of being told to retry.
     */
    public long burst(String tenant) {
        return (long) Math.floor(bucket(tenant, System.nanoTime()).capacity());
    }

    private TokenBucket bucket(String tenant, long now) {
        return buckets.computeIfAbsent(tenant, t -> {
            double rate = config.tenants().getOrDefault(t, config.eventsPerSecond());
            return new TokenBucket(rate, Math.max(1, rate * config.burstSeconds()), now);
        });
    }
}
