package io.leadscore.notification.inbound;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.notification.config.NotificationConfig;
import io.leadscore.notification.contact.ContactStore;
import io.leadscore.notification.contact.StoredContact;
import io.leadscore.notification.delivery.DeliveryStore;
import io.leadscore.notification.delivery.Lease;
import io.leadscore.notification.delivery.NewDelivery;
import io.leadscore.notification.domain.Alert;
import io.leadscore.notification.domain.Channel;
import io.leadscore.notification.stream.AlertStream;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Turns a batch of decided alerts into rows, inside the consumer's transaction and before anything is sent: one
 * {@code alert} per (routing fact, rep), one pending {@code delivery} per channel the rep chose for that kind, and a
 * notification for the live streams. Alerts already recorded (a redelivered message) produce nothing at all.
 */
@ApplicationScoped
public class AlertIntake {

    private final DeliveryStore deliveries;
    private final ContactStore contacts;
    private final AlertStream stream;
    private final NotificationConfig config;

    public AlertIntake(DeliveryStore deliveries, ContactStore contacts, AlertStream stream,
            NotificationConfig config) {
        this.deliveries = deliveries;
        this.contacts = contacts;
        this.stream = stream;
        this.config = config;
    }

    /** Returns the leases of the deliveries to send right after the commit (the rest are held for quiet hours). */
    public Uni<List<Lease>> accept(SqlConnection conn, List<Alert> alerts, Instant now) {
        return accept(conn, alerts, Map.of(), now);
    }

    /**
     * As {@link #accept(SqlConnection, List, Instant)}, each delivery keeping the W3C trace context of the message its
     * alert came from, so sending it continues that trace.
     *
     * @param traceparents by alert (the very instances in {@code alerts}); alerts without one start their own trace
     */
    public Uni<List<Lease>> accept(SqlConnection conn, List<Alert> alerts, Map<Alert, String> traceparents,
            Instant now) {
        if (alerts.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Set<String[]> reps = new LinkedHashSet<>();
        alerts.forEach(a -> reps.add(new String[]{a.tenant(), a.repId()}));
        return contacts.findAll(conn, reps).chain(byRep -> deliveries.insertAlerts(conn, alerts, now)
                .chain(inserted -> {
                    List<NewDelivery> rows = new ArrayList<>();
                    for (DeliveryStore.InsertedAlert ia : inserted) {
                        rows.addAll(plan(ia, byRep, traceparents.get(ia.alert()), now));
                    }
                    return deliveries.insertDeliveries(conn, rows, now)
                            .call(() -> stream.announce(conn, inserted));
                }));
    }

    private List<NewDelivery> plan(DeliveryStore.InsertedAlert ia, Map<String, StoredContact> byRep,
            String traceparent, Instant now) {
        Alert a = ia.alert();
        StoredContact contact = byRep.get(ContactStore.key(a.tenant(), a.repId()));
        if (contact == null) {
            return List.of();
        }
        Optional<Instant> hold = contact.preferences().holdUntil(a.kind(), now);
        List<NewDelivery> rows = new ArrayList<>();
        for (Channel channel : contact.preferences().channelsFor(a.kind())) {
            if (hold.isPresent()) {
                rows.add(new NewDelivery(ia.id(), a, channel, hold.get(), null,
                        "held for quiet hours until " + hold.get(), traceparent));
            } else {
                rows.add(new NewDelivery(ia.id(), a, channel, now, now.plus(config.worker().lease()), null,
                        traceparent));
            }
        }
        return rows;
    }
}
