package io.leadscore.routing.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.leadscore.contracts.MessageHeaders;
import io.leadscore.contracts.Topics;
import io.leadscore.routing.RoutingTestInfra;
import io.leadscore.routing.support.Fixtures;
import io.leadscore.routing.support.Published;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

/** What a crashed publisher left behind is published by the sweeper; what another publisher still owns is not. */
@QuarkusTest
@WithTestResource(RoutingTestInfra.class)
class OutboxTest {

    @Inject
    PgPool pool;

    @Inject
    OutboxPublisher publisher;

    @Test
    void theSweeperPublishesAbandonedRowsAndDeletesThem() {
        String key = Fixtures.tenant("outbox") + "/lead";
        String trace = Fixtures.traceparent();
        long abandoned = insert(key, "{\"n\": 1}", trace, "now() - interval '1 second'");
        long owned = insert(key, "{\"n\": 2}", trace, "now() + interval '1 hour'");

        publisher.sweep().await().indefinitely();

        var records = Published.await(Topics.LEAD_STAGE_CHANGES, key, 1);
        assertEquals(List.of("{\"n\": 1}"), records.stream().map(r -> r.value()).toList());
        assertEquals(trace, Published.header(records.get(0), MessageHeaders.TRACEPARENT));
        assertEquals("1", Published.header(records.get(0), MessageHeaders.SCHEMA_VERSION));
        assertEquals(List.of(owned), ids(abandoned, owned), "the published row is gone, the owned one waits");
        pool.preparedQuery("DELETE FROM outbox WHERE id = $1").execute(Tuple.of(owned)).await().indefinitely();
    }

    private long insert(String key, String payload, String trace, String claimedUntil) {
        return pool.preparedQuery("INSERT INTO outbox (topic, message_key, payload, schema_version, traceparent, "
                + "claimed_until) VALUES ($1, $2, $3, 1, $4, " + claimedUntil + ") RETURNING id")
                .execute(Tuple.of(Topics.LEAD_STAGE_CHANGES, key, payload, trace)).await().indefinitely()
                .iterator().next().getLong("id");
    }

    private List<Long> ids(long... ids) {
        Long[] boxed = java.util.Arrays.stream(ids).boxed().toArray(Long[]::new);
        List<Long> found = new java.util.ArrayList<>();
        pool.preparedQuery("SELECT id FROM outbox WHERE id = ANY($1) ORDER BY id").execute(Tuple.of(boxed))
                .await().indefinitely().forEach(r -> found.add(r.getLong("id")));
        return found;
    }
}
