package io.leadscore.routing.lead;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
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
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Two transactions that both create the same lead, as two replicas do when a rebalance hands one batch to both: neither
 * can lock a row that does not exist yet, so both route it as new. The second must not commit that: it would count the
 * lead for its owner a second time and overwrite the first's lead. It fails on the first transition's primary key
 * (tenant, lead, seq 1), rolls back and is retried, and the retry finds the lead.
 */
@QuarkusTest
@WithTestResource(RoutingTestInfra.class)
class NewLeadRaceTest {

    @Inject
    ScoreRouting routing;

    @Inject
    PgPool pool;

    @Test
    void twoTransactionsCreatingTheSameLeadCountItOnceAndKeepOneHistory() throws Exception {
        String tenant = Fixtures.tenant("new-lead-race");
        Fixtures.defaultTeamWithRepR1(tenant);
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);

        CompletableFuture<Void> racing = OtherTransaction.run(pool, other -> {
            // The first replica has routed the new lead into mql with owner r1 and not committed yet.
            routing.routeAll(other, List.of(change(tenant, 45, t)), Instant.now()).await()
                    .atMost(Duration.ofSeconds(10));
            // The second replica routes the same lead, seen as new, with a later score.
            CompletableFuture<Void> second = routing.route(List.of(change(tenant, 47, t.plusMillis(1))))
                    .subscribeAsCompletionStage();
            // (On the tenant's first owner book, it waits at the cursor rows the first has just inserted.)
            OtherTransaction.awaitWaitingForLock(pool, "%team_cursor%",
                    "the second transaction never waited for the owner book the first holds");
            return second;
        });
        racing.get(20, TimeUnit.SECONDS);

        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
        Row lead = pool.preparedQuery("SELECT stage, owner_rep_id, transition_count, "
                + "(SELECT count(*) FROM stage_transition s WHERE s.tenant = l.tenant AND s.lead_id = l.lead_id) AS stored, "
                + "(SELECT score FROM lead_model_score m WHERE m.tenant = l.tenant AND m.lead_id = l.lead_id) AS score "
                + "FROM lead_stage l WHERE tenant = $1 AND lead_id = 'l1'").execute(Tuple.of(tenant)).await()
                .indefinitely().iterator().next();
        assertEquals("mql", lead.getString("stage"));
        assertEquals("r1", lead.getString("owner_rep_id"));
        assertEquals(1, lead.getInteger("transition_count"), "one transition into mql");
        assertEquals(1L, lead.getLong("stored"), "one stored transition");
        assertEquals(47.0, lead.getDouble("score"), "the second change applied on top of the first");
    }

    private static IncomingScore change(String tenant, double score, Instant t) {
        return new IncomingScore(tenant, "l1", new ScoreObserved("engagement", 1, score, "warm", t, Map.of(), t), null);
    }
}
