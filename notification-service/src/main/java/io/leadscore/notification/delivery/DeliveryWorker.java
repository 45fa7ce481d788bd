package io.leadscore.notification.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.leadscore.notification.config.NotificationConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Picks up every pending delivery that is due and not leased: retries whose back-off has passed, alerts held for quiet
 * hours whose window has ended, and deliveries a replica leased but never finished (it crashed mid-send; the lease ran
 * out). New alerts do not wait for it: the consumer sends them right after its commit.
 */
@ApplicationScoped
public class DeliveryWorker {

    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);

    private final DeliveryStore store;
    private final DeliveryDispatcher dispatcher;
    private final NotificationConfig.Worker config;
    private final Clock clock;
    /** Where the next round's walk over tenants starts (more tenants had due deliveries than one round takes). */
    private volatile String afterTenant = "";

    public DeliveryWorker(DeliveryStore store, DeliveryDispatcher dispatcher, NotificationConfig config, Clock clock) {
        this.store = store;
        this.dispatcher = dispatcher;
        this.config = config.worker();
        this.clock = clock;
    }

    @Scheduled(every = "${leadscore.notification.worker.interval:1s}", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return runDue().replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("Looking for due deliveries failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * Leases the deliveries due now and starts sending them; returns how many were leased. Sends are not awaited, so a
     * slow provider never delays the next round.
     */
    public Uni<Integer> runDue() {
        Instant now = clock.instant();
        return store.claimDue(now, now.plus(config.lease()), config.batchSize(), config.perTenantBatch(), afterTenant)
                .invoke(claim -> afterTenant = claim.lastTenant() == null ? "" : claim.lastTenant())
                .invoke(claim -> start(claim.leases()))
                .map(claim -> claim.leases().size());
    }

    private void start(List<Lease> leases) {
        if (!leases.isEmpty()) {
            dispatcher.dispatch(leases).subscribe().with(ignored -> {
            }, e -> LOG.warnf("Dispatching %d due deliveries failed: %s", leases.size(), e.getMessage()));
        }
    }
}
