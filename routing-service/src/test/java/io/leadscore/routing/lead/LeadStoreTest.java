package io.leadscore.routing.lead;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.leadscore.routing.RoutingTestInfra;
import io.leadscore.routing.domain.LeadRouting;
import io.leadscore.routing.domain.ScoreObserved;
import io.leadscore.routing.domain.Stage;
import io.leadscore.routing.policy.PolicyStore;
import io.leadscore.routing.support.Fixtures;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgPool;

/** The batched writes of the read model, against the real database. */
@QuarkusTest
@WithTestResource(RoutingTestInfra.class)
class LeadStoreTest {

    @Inject
    LeadStore store;

    @Inject
    PolicyStore policies;

    @Inject
    PgPool pool;

    @Test
    void aLeadListedTwiceInOneSaveKeepsItsLastState() {
        String tenant = Fixtures.tenant("store");
        Instant t = Instant.parse("2026-05-01T10:00:00Z");
        LeadRouting unseen = LeadRouting.unseen(tenant, "l1");
        LeadRouting first = inStage(unseen.observe(new ScoreObserved("engagement", 1, 10, "cold", t,
                Map.of("country", "DE"), t)), Stage.NURTURE, t);
        LeadRouting second = inStage(first.observe(new ScoreObserved("engagement", 1, 25, "warm", t.plusSeconds(1),
                Map.of("country", "FR"), t.plusSeconds(1))), Stage.NURTURE, t);
        var policy = policies.builtIn();

        pool.withTransaction(conn -> store.save(conn, List.of(
                new LeadChange(unseen, first, List.of(), List.of(), policy, null),
                new LeadChange(first, second, List.of(), List.of(), policy, null)))).await().indefinitely();

        StoredLead stored = pool.withConnection(conn -> store.load(conn, tenant, List.of("l1"), false))
                .await().indefinitely().get("l1");
        assertEquals(25, stored.lead().scores().get("engagement").score());
        assertEquals("warm", stored.lead().scores().get("engagement").band());
        assertEquals("FR", stored.lead().attributes().get("country"));
    }

    /** The lead as routing would store it once it entered {@code stage} (the stage engine is not the subject here). */
    static LeadRouting inStage(LeadRouting lead, Stage stage, Instant since) {
        LeadRouting.Builder b = lead.toBuilder();
        b.stage = stage;
        b.since = since;
        return b.build();
    }
}
