package io.leadscore.notification.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

import io.leadscore.notification.channel.OutgoingMessage;
import io.leadscore.notification.channel.Sender;
import io.leadscore.notification.config.NotificationConfig;
import io.leadscore.notification.contact.ContactStore;
import io.leadscore.notification.contact.StoredContact;
import io.leadscore.notification.domain.AlertContent;
import io.leadscore.notification.domain.AttemptDecision;
import io.leadscore.notification.domain.Channel;
import io.leadscore.notification.domain.SendResult;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;

/**
 * Sends leased deliveries, each on its own: re-reads the rep's current contact, holds non-urgent alerts during quiet
 * hours, counts SMS and email against the tenant's quota, calls the provider through its guard, and records the
 * attempt and what follows (delivered, retry at a backed-off time, or failed). Each attempt is a span in the trace of
 * the message behind the alert ({@link DeliveryTracing}), and the message sent carries its {@code traceparent}. Log
 * lines name deliveries by id and never include secrets or message bodies.
 */
@ApplicationScoped
public class DeliveryDispatcher {

    private static final Logger LOG = Logger.getLogger(DeliveryDispatcher.class);
    /** How soon a send that could not start (busy tenant, full bulkhead) is tried again. */
    private static final Duration BUSY_RETRY = Duration.ofMillis(250);
    /** Retries due within this are timed here; later ones are left to the worker. */
    private static final Duration SHORT_RETRY = Duration.ofSeconds(30);

    private final DeliveryStore store;
    private final ContactStore contacts;
    private final PgPool pool;
    private final ProviderGuards guards;
    private final TenantLimiter tenants;
    private final DeliveryMetrics metrics;
    private final NotificationConfig config;
    private final Clock clock;
    private final Map<Channel, Sender> senders = new EnumMap<>(Channel.class);
    private final Vertx vertx;
    private final DeliveryTracing tracing;

    public DeliveryDispatcher(DeliveryStore store, ContactStore contacts, PgPool pool, ProviderGuards guards,
            TenantLimiter tenants, DeliveryMetrics metrics, NotificationConfig config, Clock clock,
            Instance<Sender> senders, Vertx vertx, DeliveryTracing tracing) {
        this.vertx = vertx;
        this.tracing = tracing;
        this.store = store;
        this.contacts = contacts;
        this.pool = pool;
        this.guards = guards;
        this.tenants = tenants;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
        senders.forEach(s -> this.senders.put(s.channel(), s));
    }

    /**
     * Sends the leased deliveries; completes when every one of them has been attempted or rescheduled. A delivery whose
     * lease ran out before its send could start is skipped: the worker leases it again (here or on another replica).
     */
    public Uni<Void> dispatch(List<Lease> leases) {
        if (leases.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return store.load(leases, clock.instant()).chain(deliveries -> {
            if (deliveries.size() < leases.size()) {
                LOG.infof("%d of %d leased deliveries not sent here: no longer pending under their lease (it ran "
                        + "out, and the worker leases them again)", leases.size() - deliveries.size(), leases.size());
            }
            if (deliveries.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            List<Uni<Void>> sends = deliveries.stream().map(d -> process(d)
                    .onFailure().invoke(e -> LOG.warnf(e, "Delivery %d could not be processed; its lease will "
                            + "expire and the worker retries it", d.id()))
                    .onFailure().recoverWithNull()).toList();
            return Uni.join().all(sends).andCollectFailures().replaceWithVoid();
        });
    }

    Uni<Void> process(ClaimedDelivery d) {
        Span span = tracing.start(d);
        return Uni.createFrom().deferred(() -> process(d, span))
                .onItemOrFailure().invoke((ignored, failure) -> DeliveryTracing.end(span, failure));
    }

    private Uni<Void> process(ClaimedDelivery d, Span span) {
        Instant now = clock.instant();
        return contacts.find(pool, d.tenant(), d.repId()).chain(contact -> {
            String unavailable = unavailable(d, contact);
            if (unavailable != null) {
                metrics.failed(d.channel());
                DeliveryTracing.outcome(span, "failed");
                return store.fail(d.id(), unavailable, now);
            }
            Optional<Instant> hold = contact.preferences().holdUntil(d.alert().kind(), now);
            if (hold.isPresent()) {
                DeliveryTracing.outcome(span, "held");
                return store.reschedule(d.id(), hold.get(), "held for quiet hours until " + hold.get(), now);
            }
            return countQuota(d, now).chain(withinQuota -> {
                if (!withinQuota) {
                    metrics.failed(d.channel());
                    DeliveryTracing.outcome(span, "failed");
                    return store.fail(d.id(), "quota exceeded: " + quota(d) + " " + d.channel().wire()
                            + " messages per day for tenant " + d.tenant(), now);
                }
                return send(d, contact, now, span);
            });
        });
    }

    private Uni<Void> send(ClaimedDelivery d, StoredContact contact, Instant now, Span span) {
        Sender sender = senders.get(d.channel());
        AlertContent content = AlertContent.of(d.alert(), contact.preferences().timeZone(),
                config.publicBaseUrl());
        OutgoingMessage message = new OutgoingMessage(d.id(), d.idempotencyKey(), d.attempts() + 1, d.channel(),
                d.alert(), content, contact, now, DeliveryTracing.traceparent(span));
        long started = System.nanoTime();
        // The tenant's slot is taken inside the provider's bulkhead, only for the call itself: sends waiting in a slow
        // provider's bulkhead queue hold none, so one slow provider (at most its bulkhead's worth of calls in flight)
        // cannot take all of a tenant's slots and hold up the tenant's other channels.
        // A send that throws before returning its Uni still releases the slot (deferred turns the throw into a failure).
        String provider = sender.provider(message);
        return guards.call(provider, () -> tenants.tryAcquire(d.tenant())
                ? guards.protect(provider, () -> Uni.createFrom().deferred(() -> sender.send(message)))
                        .eventually(() -> tenants.release(d.tenant()))
                : Uni.createFrom().<SendResult>failure(new TenantLimiter.TenantBusyException(d.tenant())))
                .onItemOrFailure().transformToUni((result, failure) -> {
                    long durationMs = (System.nanoTime() - started) / 1_000_000;
                    Instant at = clock.instant();
                    if (failure instanceof TenantLimiter.TenantBusyException) {
                        DeliveryTracing.outcome(span, "rescheduled");
                        return store.reschedule(d.id(), at.plus(BUSY_RETRY), null, at);
                    }
                    if (failure instanceof CircuitBreakerOpenException) {
                        DeliveryTracing.outcome(span, "rescheduled");
                        return store.reschedule(d.id(), at.plus(config.providers().breakerDelay()),
                                "provider unavailable (circuit breaker open); not attempted", at);
                    }
                    if (failure instanceof BulkheadException) {
                        DeliveryTracing.outcome(span, "rescheduled");
                        return store.reschedule(d.id(), at.plus(BUSY_RETRY), null, at);
                    }
                    SendResult outcome = failure == null ? result : classify(failure);
                    return record(d, outcome, at, durationMs, span);
                });
    }

    private Uni<Void> record(ClaimedDelivery d, SendResult result, Instant at, long durationMs, Span span) {
        NotificationConfig.Retry retry = config.retry();
        AttemptDecision decision = AttemptDecision.after(d.attempts(), result, retry.maxAttempts(), at,
                retry.baseDelay(), retry.maxDelay(), ThreadLocalRandom.current().nextDouble());
        DeliveryTracing.outcome(span, decision.outcome());
        metrics.attempt(d.channel(), decision.outcome());
        switch (decision.status()) {
            case DELIVERED :
                metrics.delivered(d.channel());
                if (decision.attempt() == 1) {
                    metrics.latency(d.channel(), d.createdAt(), d.alert().sourceReceivedAt(), at);
                }
                break;
            case FAILED :
                metrics.failed(d.channel());
                LOG.infof("Delivery %d (%s) failed after %d attempt(s)", d.id(), d.channel().wire(),
                        decision.attempt());
                break;
            default :
                break;
        }
        return store.record(d.id(), decision, result, at, durationMs)
                .invoke(() -> retryOnTime(d.id(), decision.nextAttemptAt(), at));
    }

    /**
     * Retries due soon are timed on this replica, so a short back-off is honoured to the millisecond instead of waiting
     * for the worker's next round; the worker still finds them if this replica goes away.
     */
    private void retryOnTime(long id, Instant nextAttemptAt, Instant now) {
        if (nextAttemptAt == null) {
            return;
        }
        long delay = Math.max(1, Duration.between(now, nextAttemptAt).toMillis());
        if (delay > SHORT_RETRY.toMillis()) {
            return;
        }
        vertx.setTimer(delay, timer -> {
            Instant at = clock.instant();
            store.claimOne(id, at, at.plus(config.worker().lease())).chain(this::dispatch).subscribe().with(
                    ignored -> {
                    }, e -> LOG.warnf("Retrying delivery %d failed; the worker retries it: %s", id, e.getMessage()));
        });
    }

    static SendResult classify(Throwable failure) {
        if (failure instanceof Sender.TransientFailure t) {
            return t.result();
        }
        if (failure instanceof TimeoutException) {
            return SendResult.transientFailure("no answer: timed out");
        }
        return SendResult.transientFailure("no answer: " + failure.getClass().getSimpleName()
                + (failure.getMessage() == null ? "" : " (" + failure.getMessage() + ")"));
    }

    /** Why the delivery can no longer be sent at all, or null. */
    private static String unavailable(ClaimedDelivery d, StoredContact contact) {
        if (contact == null) {
            return "rep " + d.repId() + " has no contact details any more";
        }
        if (!contact.preferences().channelsFor(d.alert().kind()).contains(d.channel())
                || contact.preferences().addressFor(d.channel()) == null) {
            return "rep " + d.repId() + " no longer receives " + d.alert().kind().wire() + " alerts by "
                    + d.channel().wire();
        }
        return null;
    }

    private Uni<Boolean> countQuota(ClaimedDelivery d, Instant now) {
        if (d.quotaCounted() || (d.channel() != Channel.SMS && d.channel() != Channel.EMAIL)) {
            return Uni.createFrom().item(true);
        }
        return store.countQuota(d.id(), d.tenant(), d.channel(), now.atOffset(ZoneOffset.UTC).toLocalDate(),
                quota(d));
    }

    private int quota(ClaimedDelivery d) {
        NotificationConfig.Quota q = config.quota();
        NotificationConfig.TenantQuota own = q.tenants().get(d.tenant());
        if (d.channel() == Channel.SMS) {
            return own == null ? q.smsPerDay() : own.smsPerDay().orElse(q.smsPerDay());
        }
        return own == null ? q.emailPerDay() : own.emailPerDay().orElse(q.emailPerDay());
    }
}
