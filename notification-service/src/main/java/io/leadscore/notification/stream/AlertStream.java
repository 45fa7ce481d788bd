package io.leadscore.notification.stream;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.leadscore.notification.config.NotificationConfig;
import io.leadscore.notification.delivery.DeliveryStore;
import io.leadscore.notification.domain.Alert;
import io.leadscore.notification.domain.AlertContent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;

/**
 * Live alerts for the SSE endpoint, on every replica. The consumer's transaction issues a PostgreSQL
 * {@code NOTIFY leadscore_alerts} per new alert, which PostgreSQL delivers only once the transaction commits; every
 * replica {@code LISTEN}s and pushes the alert to its own stream subscribers. A rep connected to any replica therefore
 * sees an alert recorded by any other, and never one that was rolled back.
 */
@ApplicationScoped
public class AlertStream {

    static final String CHANNEL = "leadscore_alerts";
    static final int SUBSCRIBER_BUFFER = 1_000;
    /** The most alerts a reconnecting stream is sent again. */
    static final int REPLAY_LIMIT = 1_000;
    private static final Logger LOG = Logger.getLogger(AlertStream.class);

    private final BroadcastProcessor<StreamedAlert> processor = BroadcastProcessor.create();
    private final Map<String, AtomicInteger> listeners = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final DeliveryStore store;
    private final NotificationConfig config;
    private final String url;
    private final Optional<String> user;
    private final Optional<String> password;
    private PgSubscriber subscriber;

    public AlertStream(Vertx vertx, DeliveryStore store, NotificationConfig config,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.store = store;
        this.config = config;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    void start(@Observes StartupEvent event) {
        String first = url.split(",")[0].strip().replaceFirst("^vertx-reactive:", "");
        PgConnectOptions options = PgConnectOptions.fromUri(first);
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1000L);
        subscriber.channel(CHANNEL).handler(this::onNotification);
        subscriber.connect()
                .onFailure().invoke(e -> LOG.warnf("Listening for alerts failed, retrying: %s", e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(10)).indefinitely()
                .subscribe().with(ignored -> LOG.debug("Listening for alerts"));
    }

    void stop(@Observes ShutdownEvent event) {
        processor.onComplete();
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    /** Announces new alerts in the caller's transaction; they reach the streams when it commits. */
    public Uni<Void> announce(SqlConnection conn, List<DeliveryStore.InsertedAlert> alerts) {
        if (alerts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> tuples = new ArrayList<>();
        for (DeliveryStore.InsertedAlert a : alerts) {
            tuples.add(Tuple.of(CHANNEL, new JsonObject().put("id", a.id()).put("tenant", a.alert().tenant())
                    .put("repId", a.alert().repId()).encode()));
        }
        return conn.preparedQuery("SELECT pg_notify($1, $2)").executeBatch(tuples).replaceWithVoid();
    }

    /**
     * The alerts of one rep of one tenant, from now on. Each subscriber has its own buffer of
     * {@value #SUBSCRIBER_BUFFER} alerts: the SSE writer asks for the next alert only once the previous one is written,
     * and alerts committed together arrive faster than that (without it, a burst closed the stream: the bench lost a
     * rep's stream at 500 events/s). A client so slow that the buffer fills loses its stream and reconnects with
     * the last id it saw ({@link #subscribe(String, String, long)}).
     */
    public Multi<StreamedAlert> subscribe(String tenant, String repId) {
        return live(tenant, repId).onOverflow().buffer(SUBSCRIBER_BUFFER);
    }

    /**
     * As {@link #subscribe(String, String)}, first replaying the rep's alerts recorded after alert {@code afterId} (the
     * SSE {@code Last-Event-ID} of a reconnecting client): at most the newest {@value #REPLAY_LIMIT}. The live
     * subscription starts before the replay is read, and its alerts are held until the replay is out, so nothing
     * recorded in between is lost, none is sent twice, and ids only grow.
     */
    public Multi<StreamedAlert> subscribe(String tenant, String repId, long afterId) {
        Multi<StreamedAlert> merged = Multi.createFrom().emitter(emitter -> {
            Object lock = new Object();
            List<StreamedAlert> held = new ArrayList<>();
            boolean[] replayed = {false};
            long[] highest = {afterId};
            var live = live(tenant, repId).subscribe().with(a -> {
                synchronized (lock) {
                    if (!replayed[0]) {
                        held.add(a);
                    } else if (a.alertId() > highest[0]) {
                        highest[0] = a.alertId();
                        emitter.emit(a);
                    }
                }
            }, emitter::fail, emitter::complete);
            emitter.onTermination(live::cancel);
            store.alertsAfter(tenant, repId, afterId, REPLAY_LIMIT).subscribe().with(missed -> {
                synchronized (lock) {
                    for (DeliveryStore.InsertedAlert m : missed) {
                        highest[0] = Math.max(highest[0], m.id());
                        emitter.emit(streamed(m.id(), m.alert()));
                    }
                    for (StreamedAlert a : held) {
                        if (a.alertId() > highest[0]) {
                            highest[0] = a.alertId();
                            emitter.emit(a);
                        }
                    }
                    held.clear();
                    replayed[0] = true;
                }
            }, emitter::fail);
        }, BackPressureStrategy.ERROR);
        return merged.onOverflow().buffer(SUBSCRIBER_BUFFER);
    }

    private Multi<StreamedAlert> live(String tenant, String repId) {
        String key = tenant + "/" + repId;
        return processor
                .filter(a -> a.tenant().equals(tenant) && a.repId().equals(repId))
                .onSubscription().invoke(() -> listeners.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet())
                .onTermination().invoke(() -> listeners.computeIfPresent(key,
                        (k, n) -> n.decrementAndGet() <= 0 ? null : n));
    }

    private void onNotification(String payload) {
        JsonObject n;
        try {
            n = new JsonObject(payload);
        } catch (RuntimeException e) {
            return;
        }
        String key = n.getString("tenant") + "/" + n.getString("repId");
        if (!listeners.containsKey(key)) {
            // Nobody on this replica is watching this rep: no need to read the alert.
            return;
        }
        store.findAlert(n.getLong("id")).subscribe().with(alert -> {
            if (alert != null) {
                publish(n.getLong("id"), alert);
            }
        }, e -> LOG.warnf("Reading alert %d for the live stream failed: %s", n.getLong("id"), e.getMessage()));
    }

    private synchronized void publish(long id, Alert alert) {
        processor.onNext(streamed(id, alert));
    }

    private StreamedAlert streamed(long id, Alert alert) {
        AlertContent c = AlertContent.of(alert, ZoneOffset.UTC, config.publicBaseUrl());
        return new StreamedAlert(id, alert.tenant(), alert.repId(), c.kind(), c.title(), c.headline(), alert.leadId(),
                c.leadName(), c.scores(), c.reasons(), c.owner(), alert.slaDeadline(), c.link(), alert.occurredAt());
    }
}
