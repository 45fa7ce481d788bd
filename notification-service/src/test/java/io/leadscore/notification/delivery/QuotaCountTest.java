package io.leadscore.notification.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.leadscore.notification.NotificationTestInfra;
import io.leadscore.notification.domain.Channel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The daily quota is one counter row per tenant, channel and day that every delivery of the tenant updates: counts
 * racing for it must grant exactly the cap, never more, and leave the counter at the cap.
 */
@QuarkusTest
@WithTestResource(NotificationTestInfra.class)
class QuotaCountTest {

    @Inject
    DeliveryStore store;

    @Inject
    PgPool pool;

    @Test
    void concurrentCountsGrantExactlyTheCap() {
        String tenant = "quota-race-" + UUID.randomUUID();
        LocalDate day = LocalDate.of(2026, 11, 25);
        List<Uni<Boolean>> counts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            // Ids of no delivery: the count itself is what is tested, marking a delivery is the same statement's part.
            counts.add(store.countQuota(-1 - i, tenant, Channel.SMS, day, 7));
        }

        List<Boolean> granted = Uni.join().all(counts).andFailFast().await().atMost(Duration.ofSeconds(30));

        assertEquals(7, granted.stream().filter(g -> g).count());
        long used = pool.preparedQuery("SELECT used FROM quota_usage WHERE tenant = $1 AND channel = 'sms' AND day = $2")
                .execute(Tuple.of(tenant, day)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
        assertEquals(7, used);
    }

    /**
     * The mark is what keeps a retried delivery from counting twice; it is written by the same statement as the count,
     * so a granted count marks its delivery and a refused one leaves it unmarked.
     */
    @Test
    void aGrantedCountMarksItsDeliveryAndARefusedOneDoesNot() {
        String tenant = "quota-mark-" + UUID.randomUUID();
        LocalDate day = LocalDate.of(2026, 11, 25);
        long first = delivery(tenant, "first");
        long second = delivery(tenant, "second");

        boolean firstGranted = store.countQuota(first, tenant, Channel.EMAIL, day, 1).await().atMost(Duration.ofSeconds(10));
        boolean secondGranted = store.countQuota(second, tenant, Channel.EMAIL, day, 1).await().atMost(Duration.ofSeconds(10));

        assertEquals(List.of(true, false), List.of(firstGranted, secondGranted));
        assertEquals(List.of(true, false), List.of(marked(first), marked(second)));
    }

    private long delivery(String tenant, String key) {
        return pool.preparedQuery("WITH a AS (INSERT INTO alert (tenant, source_id, rep_id, lead_id, kind, body, "
                + "created_at) VALUES ($1, $2, 'rep', 'lead', 'mql', '{}', now()) RETURNING id) "
                + "INSERT INTO delivery (tenant, idempotency_key, alert_id, lead_id, rep_id, kind, channel, status, "
                + "next_attempt_at, created_at, updated_at) SELECT $1, $2, id, 'lead', 'rep', 'mql', 'email', "
                + "'pending', now(), now(), now() FROM a RETURNING id")
                .execute(Tuple.of(tenant, key)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
    }

    private boolean marked(long deliveryId) {
        return pool.preparedQuery("SELECT quota_counted FROM delivery WHERE id = $1").execute(Tuple.of(deliveryId))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getBoolean(0);
    }
}
