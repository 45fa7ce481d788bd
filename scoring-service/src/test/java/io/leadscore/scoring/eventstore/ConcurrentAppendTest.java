package io.leadscore.scoring.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.leadscore.scoring.ScoringTestInfra;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Appenders racing on the same streams (two replicas during a rebalance) never interleave: the append reads versions
 * without locking, so a loser must fail and retry, and every stream ends with gap-free sequence numbers and a version
 * equal to its number of events.
 */
@QuarkusTest
@WithTestResource(ScoringTestInfra.class)
class ConcurrentAppendTest {

    private static final int APPENDERS = 4;
    private static final int BATCHES_EACH = 15;

    @Inject
    EventStore store;

    @Inject
    PgPool pool;

    @Test
    void racingAppendersLeaveGapFreeStreams() {
        String tenant = "race-" + UUID.randomUUID();
        List<String> leads = List.of("a", "b", "c");
        List<Uni<Void>> appenders = new ArrayList<>();
        for (int a = 0; a < APPENDERS; a++) {
            int appender = a;
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (int b = 0; b < BATCHES_EACH; b++) {
                int batch = b;
                chain = chain.chain(() -> appendWithRetry(batchOf(tenant, leads, appender, batch)));
            }
            appenders.add(chain);
        }
        Uni.join().all(appenders).andFailFast().await().atMost(Duration.ofSeconds(60));

        for (String lead : leads) {
            List<Long> seqs = new ArrayList<>();
            for (Row row : pool.preparedQuery("SELECT seq FROM lead_event WHERE tenant = $1 AND lead_id = $2 ORDER BY seq")
                    .execute(Tuple.of(tenant, lead)).await().indefinitely()) {
                seqs.add(row.getLong(0));
            }
            int expected = APPENDERS * BATCHES_EACH;
            assertEquals(expected, seqs.size(), lead);
            for (int i = 0; i < expected; i++) {
                assertEquals(i + 1, seqs.get(i), lead + " has a gap or a repeat");
            }
            long version = pool.preparedQuery("SELECT version FROM lead_stream WHERE tenant = $1 AND lead_id = $2")
                    .execute(Tuple.of(tenant, lead)).await().indefinitely().iterator().next().getLong(0);
            assertEquals(expected, version, lead);
        }
    }

    /** Like the consumer: a failed batch is rolled back whole and tried again. */
    private Uni<Void> appendWithRetry(List<StoredEvent> batch) {
        return pool.withTransaction(conn -> store.append(conn, batch)).replaceWithVoid()
                .onFailure().retry().withBackOff(Duration.ofMillis(5), Duration.ofMillis(50)).atMost(200);
    }

    private static List<StoredEvent> batchOf(String tenant, List<String> leads, int appender, int batch) {
        List<StoredEvent> events = new ArrayList<>();
        for (String lead : leads) {
            String id = lead + "-" + appender + "-" + batch;
            Instant at = Instant.parse("2026-11-01T10:00:00Z").plusSeconds(batch);
            events.add(new StoredEvent(tenant, lead, id, "page_view", at, at,
                    "{\"eventId\":\"" + id + "\",\"properties\":{}}", null, Map.of(), null));
        }
        return events;
    }
}
