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
}
