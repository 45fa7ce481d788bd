package io.leadscore.routing.lead;

import static io.leadscore.routing.support.Fixtures.reader;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.leadscore.routing.RoutingTestInfra;
import io.leadscore.routing.domain.ScoreObserved;
import io.leadscore.routing.support.Fixtures;
import io.leadscore.routing.support.OtherTransaction;
import io.leadscore.routing.support.TestClock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A batch of score changes spanning several tenants locks their owner books in tenant order, whatever the order of the
 * batch, and a timer round locks each tenant's leads just before its book, as the consumer does: two transactions
 * sharing tenants then wait for each other instead of deadlocking.
 */
@QuarkusTest
@WithTestResource(RoutingTestInfra.class)
class TenantLockOrderTest {

    @Inject
    ScoreRouting routing;

    @Inject
    PgPool pool;

    @Inject
    Timers timers;

    @Inject
    TestClock clock;

    @Test
    void aBatchLocksItsTenantsOwnerBooksInTenantOrderNotBatchOrder() throws Exception {
        // "order-a-…" sorts before "order-b-…".
        String first = Fixtures.tenant("order-a");
        String second = Fixtures.tenant("order-b");
        for (String tenant : List.of(first, second)) {
            Fixtures.defaultTeamWithRepR1(tenant);
            pool.preparedQuery("INSERT INTO team_cursor (tenant, team_id) SELECT tenant, team_id FROM sales_team "
                    + "WHERE tenant = $1 ON CONFLICT DO NOTHING").execute(Tuple.of(tenant)).await().indefinitely();
        }

        CompletableFuture<Void> routed = OtherTransaction.run(pool, other -> {
            // Another consumer holds the first tenant's book.
            lockBook(other, first, "");
            // A batch listing the second tenant first; both leads qualify for an owner, so both books are needed.
            Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
            CompletableFuture<Void> batch = routing.route(List.of(change(second, t), change(first, t)))
                    .subscribeAsCompletionStage();
            awaitBlockedOnABook();
            // Locked in batch order, the batch would hold the second tenant's book while waiting for the first's, and
            // the other consumer, wanting it next, would deadlock with it. In tenant order it has not touched it.
            lockBook(other, second, " NOWAIT");
            return batch;
        });
        routed.get(20, TimeUnit.SECONDS);
        for (String tenant : List.of(first, second)) {
            reader(tenant).get("/v1/leads/l1/stage").then().statusCode(200).body("stage", equalTo("mql"))
                    .body("ownerRepId", equalTo("r1"));
        }
    }

    @Test
    void aTimerRoundLocksEachTenantsDueLeadsJustBeforeItsOwnerBook() throws Exception {
        String first = Fixtures.tenant("timer-order-a");
        String second = Fixtures.tenant("timer-order-b");
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
        for (String tenant : List.of(first, second)) {
            Fixtures.defaultTeamWithRepR1(tenant);
            routing.route(List.of(change(tenant, t))).await().atMost(Duration.ofSeconds(20));
        }
        // Both leads' re-checks are due: a timer round needs each tenant's owner book.
        pool.preparedQuery("UPDATE lead_stage SET recheck_at = $2 WHERE tenant = ANY($1)")
                .execute(Tuple.of(new String[]{first, second}, clock.instant().minusSeconds(60).atOffset(ZoneOffset.UTC)))
                .await().indefinitely();

        CompletableFuture<Integer> round = OtherTransaction.run(pool, other -> {
            // A consumer holds the first tenant's book, and will want the second tenant's lead next.
            lockBook(other, first, "");
            CompletableFuture<Integer> timerRound = timers.runDue().subscribeAsCompletionStage();
            awaitBlockedOnABook();
            // Had the round locked every tenant's due leads up front, it would hold this lead while waiting for the
            // book above, and the consumer, wanting the lead next, would deadlock with it.
            long locked = other.preparedQuery("SELECT lead_id FROM lead_stage WHERE tenant = $1 AND lead_id = 'l1' "
                    + "FOR UPDATE NOWAIT").execute(Tuple.of(second)).await().atMost(Duration.ofSeconds(10)).size();
            assertEquals(1, locked);
            return timerRound;
        });
        round.get(20, TimeUnit.SECONDS);
        long stillDue = pool.preparedQuery("SELECT count(*) FROM lead_stage WHERE tenant = ANY($1) AND recheck_at <= $2")
                .execute(Tuple.of(new String[]{first, second}, clock.instant().atOffset(ZoneOffset.UTC))).await()
                .indefinitely().iterator().next().getLong(0);
        assertEquals(0, stillDue, "the round handled both tenants' re-checks once the locks were released");
    }

    private static IncomingScore change(String tenant, Instant t) {
        return new IncomingScore(tenant, "l1", new ScoreObserved("engagement", 1, 45, "warm", t, Map.of(), t), null);
    }

    private static void lockBook(SqlConnection conn, String tenant, String wait) {
        long locked = conn.preparedQuery("SELECT team_id FROM team_cursor WHERE tenant = $1 FOR UPDATE" + wait)
                .execute(Tuple.of(tenant)).await().atMost(Duration.ofSeconds(10)).size();
        assertEquals(1, locked, "the team's cursor row of " + tenant);
    }

    private void awaitBlockedOnABook() throws InterruptedException {
        OtherTransaction.awaitWaitingForLock(pool, "SELECT team_id, last_rep_id FROM team_cursor%",
                "the batch never waited for the other consumer's lock on an owner book");
    }
}
