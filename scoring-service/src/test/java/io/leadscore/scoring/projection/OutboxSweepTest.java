package io.leadscore.scoring.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.contracts.ScoreChanged;
import io.leadscore.scoring.ScoringFixtures;
import io.leadscore.scoring.ScoringTestInfra;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

/** What a crash or a failed send leaves in the outbox is republished and then removed, by the sweeper alone. */
@QuarkusTest
@WithTestResource(ScoringTestInfra.class)
class OutboxSweepTest {

    @Inject
    ScoreChangePublisher publisher;

    @Inject
    PgPool pool;

    @Test
    void leftOverRowsArePublishedAndDeletedWithoutHangingTheSweep() throws Exception {
        String tenant = ScoringFixtures.newTenant();
        ScoringFixtures.publishModel(tenant, "engagement", ScoringFixtures.ENGAGEMENT);
        try (var consumer = ScoringFixtures.scoreChangesConsumer()) {
            ScoringFixtures.produce(ScoringFixtures.event(tenant, "live", "demo_request", Instant.now(), Map.of()));
            ScoreChanged live = ScoringFixtures.changesUntil(consumer, tenant, seen -> !seen.isEmpty()).get(0);

            // Two rows as a crash between commit and publish leaves them: older than the sweeper's 5 s grace.
            String payload = ContractsJson.mapper().writeValueAsString(live);
            for (String lead : List.of("left-1", "left-2")) {
                pool.preparedQuery("INSERT INTO score_change_outbox (message_key, payload, created_at) "
                        + "VALUES ($1, $2, now() - interval '1 minute')").execute(Tuple.of(tenant + "/" + lead, payload))
                        .await().atMost(Duration.ofSeconds(5));
            }

            // Before the fix the sweep deleted through another connection, which waited for the sweep's own row
            // locks: it never completed, and every later sweep was skipped as "still running".
            publisher.sweep().await().atMost(Duration.ofSeconds(20));

            ScoringFixtures.changesUntil(consumer, tenant, seen -> seen.size() >= 2);
            long left = pool.preparedQuery("SELECT count(*) FROM score_change_outbox WHERE message_key LIKE $1")
                    .execute(Tuple.of(tenant + "/%")).await().atMost(Duration.ofSeconds(5))
                    .iterator().next().getLong(0);
            assertEquals(0, left, "swept rows are deleted once the broker acknowledged them");
        }
    }
}
