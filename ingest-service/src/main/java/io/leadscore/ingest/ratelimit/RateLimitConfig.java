package io.leadscore.ingest.ratelimit;

import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "leadscore.ingest.rate-limit")
public interface RateLimitConfig {

    /** Sustained events per second a tenant may send. */
    @WithDefault("100000")
    double eventsPerSecond();

    /** How many seconds of the sustained rate a tenant may send at once. */
    @WithDefault("2")
    double burstSeconds();

    /** Per-tenant overrides of {@link #eventsPerSecond()}, e.g. {@code leadscore.ingest.rate-limit.tenants.acme=5000}. */
    Map<String, Double> tenants();
}
