package io.leadscore.routing.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "leadscore.routing")
public interface RoutingConfig {

    /** How often due follow-up SLAs and re-checks are processed ({@code off} disables the job). */
    @WithDefault("5s")
    String timersEvery();

    /** How often the outbox is swept for messages no publisher finished ({@code off} disables the job). */
    @WithDefault("10s")
    String outboxSweepEvery();

    /**
     * How often each tenant's open-lead counts are checked against its leads and repaired ({@code off} disables the
     * job; see {@code OpenLeadCounts}).
     */
    @WithDefault("10m")
    String openLeadsReconcileEvery();

    /** How often a lead waiting in a team queue tries again to get an owner. */
    @WithDefault("PT1M")
    Duration waitingRetry();

    /**
     * How long the timers of a lead whose handling failed (in a transaction of its own, after its round failed) are
     * pushed back before they are tried again, so it does not make every run fall back to one lead per transaction.
     */
    @WithDefault("PT5M")
    Duration timerFailureRetry();

    /** Leads claimed per timer transaction. */
    @WithDefault("200")
    int timerBatchSize();

    /** How long a publisher owns the outbox rows it is sending before the sweeper may take them over. */
    @WithDefault("PT30S")
    Duration outboxClaim();

    /** Outbox rows per sweep. */
    @WithDefault("500")
    int outboxBatchSize();
}
