package io.leadscore.routing.lead;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.leadscore.routing.RoutingTestInfra;
import io.leadscore.routing.config.RoutingConfig;
import io.leadscore.routing.domain.ScoreObserved;
import io.leadscore.routing.support.Fixtures;
import io.leadscore.routing.support.OtherTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Several replicas share a backlog of due timers: while one holds the oldest batch, another's round skips past those
 * leads to the next ones instead of stopping.
 */
@QuarkusTest
@WithTestResource(RoutingTestInfra.class)
class TimerSharingTest {

    @Inject
    ScoreRouting routing;

    @Inject
    Timers timers;

    @Inject
    PgPool pool;

    @Inject
    RoutingConfig config;

    @Test
    void aRoundSkipsTheDueLeadsAnotherReplicaHoldsAndHandlesTheNextOnes() throws Exception {
        String tenant = Fixtures.tenant("timer-share");
        Fixtures.defaultTeamWithRepR1(tenant);
        int batch = config.timerBatchSize();
        int extra = 30;
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<IncomingScore> changes = new ArrayList<>();
        for (int i = 0; i < batch + extra; i++) {
            changes.add(new IncomingScore(tenant, String.format("l%04d", i),
                    new ScoreObserved("engagement", 1, 45, "warm", t, Map.of(), t), null));
        }
        routing.route(changes).await().atMost(Duration.ofSeconds(30));
        // All due at one instant long ago, before any other test's timers, as after a policy change.
        pool.preparedQuery("UPDATE lead_stage SET recheck_at = '2000-01-01T00:00:00Z', sla_deadline = NULL "
                + "WHERE tenant = $1").execute(Tuple.of(tenant)).await().indefinitely();

        int handled = OtherTransaction.run(pool, other -> {
            // Another replica's round holds the oldest batch.
            int held = other.preparedQuery("SELECT lead_id FROM lead_stage WHERE tenant = $1 AND lead_id < $2 "
                    + "ORDER BY lead_id FOR UPDATE").execute(Tuple.of(tenant, String.format("l%04d", batch)))
                    .await().atMost(Duration.ofSeconds(10)).size();
            assertEquals(batch, held);
            return timers.runDue().subscribeAsCompletionStage().get(30, TimeUnit.SECONDS);
        });

        assertTrue(handled >= extra, "handled " + handled);
        assertEquals(batch, due(tenant, "< '" + String.format("l%04d", batch) + "'"),
                "the held leads are left to the replica holding them");
        assertEquals(0, due(tenant, ">= '" + String.format("l%04d", batch) + "'"), "the next leads were handled");
        Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
    }

    private long due(String tenant, String leadCondition) {
        return pool.preparedQuery("SELECT count(*) FROM lead_stage WHERE tenant = $1 AND recheck_at <= $2 AND lead_id "
                + leadCondition).execute(Tuple.of(tenant, Instant.now().atOffset(ZoneOffset.UTC))).await()
                .indefinitely().iterator().next().getLong(0);
    }
}
