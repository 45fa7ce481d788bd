package io.leadscore.routing.lead;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.leadscore.routing.RoutingTestInfra;
import io.leadscore.routing.domain.LeadRouting;
import io.leadscore.routing.domain.ScoreObserved;
import io.leadscore.routing.domain.Stage;
import io.leadscore.routing.policy.PolicyStore;
import io.leadscore.routing.support.Fixtures;
import io.leadscore.routing.support.OtherTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** Bringing re-checks forward while score changes hold lead rows: the two wait for each other, never deadlock. */
@QuarkusTest
@WithTestResource(RoutingTestInfra.class)
class RechecksTest {

    @Inject
    Rechecks rechecks;

    @Inject
    LeadStore store;

    @Inject
    PolicyStore policies;

    @Inject
    PgPool pool;

    @Test
    void locksLeadsInTheOrderTheScoreChangeConsumerDoes() throws Exception {
        String tenant = Fixtures.tenant("recheck");
        // "b" is written first, so a plain UPDATE scanning the table would lock it before "a".
        save(tenant, "b");
        save(tenant, "a");

        CompletableFuture<Void> nudge = OtherTransaction.run(pool, consumer -> {
            // As the score-change consumer does: lock its batch's leads in lead_id order, "a" first.
            lock(consumer, tenant, "a");
            CompletableFuture<Void> recheck = rechecks.waitingForOwner(tenant).subscribeAsCompletionStage();
            OtherTransaction.awaitWaitingForLock(pool, "UPDATE lead_stage s SET recheck_at%",
                    "the re-check never waited for the consumer's lock");
            // With the re-check locking "b" before waiting for "a", this would deadlock and one side would fail.
            lock(consumer, tenant, "b");
            return recheck;
        });
        nudge.get(10, TimeUnit.SECONDS);
        long due = pool.preparedQuery("SELECT count(*) AS n FROM lead_stage WHERE tenant = $1 AND recheck_at IS NOT NULL")
                .execute(Tuple.of(tenant)).await().indefinitely().iterator().next().getLong("n");
        assertEquals(2, due, "both waiting leads are due for a re-check");
    }

    private void save(String tenant, String leadId) {
        Instant t = Instant.parse("2026-05-01T10:00:00Z");
        LeadRouting unseen = LeadRouting.unseen(tenant, leadId);
        LeadRouting waiting = LeadStoreTest.inStage(
                unseen.observe(new ScoreObserved("engagement", 1, 60, "hot", t, Map.of(), t)), Stage.MQL, t);
        pool.withTransaction(conn -> store.save(conn, List.of(new LeadChange(unseen, waiting, List.of(), List.of(),
                policies.builtIn(), null)))).await().indefinitely();
    }

    private static void lock(SqlConnection conn, String tenant, String leadId) {
        conn.preparedQuery("SELECT lead_id FROM lead_stage WHERE tenant = $1 AND lead_id = $2 FOR UPDATE")
                .execute(Tuple.of(tenant, leadId)).await().atMost(Duration.ofSeconds(10));
    }
}
