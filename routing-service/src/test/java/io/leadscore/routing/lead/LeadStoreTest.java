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

    @Test
    void openLeadCountsMoveFromEachLeadsFirstStateToItsLastInTenantAndRepOrder() {
        Instant t = Instant.parse("2026-05-01T10:00:00Z");
        var policy = policies.builtIn();
        LeadRouting unseen = LeadRouting.unseen("t", "l1");
        LeadRouting mqlR2 = owned(inStage(unseen, Stage.MQL, t), "r2");
        LeadRouting mqlR1 = owned(mqlR2, "r1");
        LeadRouting nurtureR1 = inStage(mqlR1, Stage.NURTURE, t);
        LeadRouting otherMqlR1 = owned(inStage(LeadRouting.unseen("t", "l2"), Stage.MQL, t), "r1");

        // A new lead assigned counts for its owner; one reassigned moves from one rep to the other.
        assertEquals(Map.of("t\u0000r2", 1), LeadStore.openLeadDeltas(List.of(change(unseen, mqlR2, policy))));
        assertEquals(List.of("t\u0000r1", "t\u0000r2"), List.copyOf(LeadStore.openLeadDeltas(List.of(
                change(mqlR2, mqlR1, policy))).keySet()), "sorted, so every writer locks the counts in one order");
        assertEquals(Map.of("t\u0000r1", 1, "t\u0000r2", -1), LeadStore.openLeadDeltas(List.of(
                change(mqlR2, mqlR1, policy))));
        // Back to nurture it keeps its owner but is no longer open; listed twice, only first and last state count.
        assertEquals(Map.of("t\u0000r2", -1), LeadStore.openLeadDeltas(List.of(change(mqlR2, mqlR1, policy),
                change(mqlR1, nurtureR1, policy))));
        // Moves that cancel out leave nothing to write.
        assertEquals(Map.of(), LeadStore.openLeadDeltas(List.of(change(mqlR1, nurtureR1, policy),
                change(unseen, otherMqlR1, policy))));
        assertEquals(Map.of(), LeadStore.openLeadDeltas(List.of(change(mqlR1, mqlR1, policy))));
    }

    private static LeadChange change(LeadRouting before, LeadRouting after,
            io.leadscore.routing.domain.policy.RoutingPolicy policy) {
        return new LeadChange(before, after, List.of(), List.of(), policy, null);
    }

    private static LeadRouting owned(LeadRouting lead, String repId) {
        LeadRouting.Builder b = lead.toBuilder();
        b.ownerRepId = repId;
        return b.build();
    }

    /** The lead as routing would store it once it entered {@code stage} (the stage engine is not the subject here). */
    static LeadRouting inStage(LeadRouting lead, Stage stage, Instant since) {
        LeadRouting.Builder b = lead.toBuilder();
        b.stage = stage;
        b.since = since;
        return b.build();
    }
}
