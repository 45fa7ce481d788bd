package io.leadscore.notification.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Alerts not sent yet, as gauges: {@code leadscore_notification_deliveries_pending{state="due"}} (due now, including
 * those being sent), {@code {state="waiting"}} (a retry's back-off or quiet hours), and
 * {@code leadscore_notification_deliveries_oldest_due_seconds}, how long the oldest due one has been due: the figure to
 * alert on when alerts start leaving late. Refreshed by a query every few seconds, never on a scrape, so a scrape
 * neither waits for the database nor adds to its load.
 */
@ApplicationScoped
public class DeliveryBacklog {

    private static final Logger LOG = Logger.getLogger(DeliveryBacklog.class);

    private final DeliveryStore store;
    private final Clock clock;
    private final AtomicLong due = new AtomicLong();
    private final AtomicLong waiting = new AtomicLong();
    private final AtomicLong oldestDueMillis = new AtomicLong();

    public DeliveryBacklog(DeliveryStore store, Clock clock, MeterRegistry registry) {
        this.store = store;
        this.clock = clock;
        Gauge.builder("leadscore.notification.deliveries.pending", due, AtomicLong::get)
                .description("Deliveries not sent yet").tag("state", "due").register(registry);
        Gauge.builder("leadscore.notification.deliveries.pending", waiting, AtomicLong::get)
                .description("Deliveries not sent yet").tag("state", "waiting").register(registry);
        Gauge.builder("leadscore.notification.deliveries.oldest.due", oldestDueMillis, v -> v.get() / 1000.0)
                .description("How long the oldest due delivery has been due").baseUnit("seconds").register(registry);
    }

    @Scheduled(every = "${leadscore.notification.backlog-refresh}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return refresh().replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("Reading the delivery backlog failed: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Reads the backlog and updates the gauges; answers what it read. */
    public Uni<DeliveryStore.Backlog> refresh() {
        Instant now = clock.instant();
        return store.backlog(now).invoke(b -> {
            due.set(b.due());
            waiting.set(b.waiting());
            oldestDueMillis.set(b.oldestDue() == null ? 0 : Math.max(0, Duration.between(b.oldestDue(), now).toMillis()));
        });
    }
}
