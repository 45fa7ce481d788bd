package io.leadscore.routing.lead;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.leadscore.contracts.LeadEscalated;
import io.leadscore.contracts.MessageKeys;
import io.leadscore.contracts.Topics;
import io.leadscore.routing.RoutingTestInfra;
import io.leadscore.routing.config.RoutingConfig;
import io.leadscore.routing.support.Fixtures;
import io.leadscore.routing.support.Published;
import io.leadscore.routing.support.TestClock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A timer round is one transaction over the due leads of several tenants: a lead whose handling fails must not roll
 * back the others on every run, or SLA escalations and re-checks stop for every tenant.
 */
@QuarkusTest
@WithTestResource(RoutingTestInfra.class)
class TimerFailureTest {

    /** Before any other test's timers, so both leads are in the first round of the run. */
    static final String LONG_AGO = "1999-01-01T00:00:00Z";

    @Inject
    Timers timers;

    @Inject
    PgPool pool;

    @Inject
    TestClock clock;

    @Inject
    RoutingConfig config;

    @Test
    void aLeadWhoseTimersFailIsSetAsideAndAnotherTenantsDueLeadIsStillEscalated() {
        // The failing tenant's name sorts first: its leads are handled first in a round.
        String broken = "a" + Fixtures.tenant("timer-fail");
        String tenant = Fixtures.tenant("timer-ok");
        SlaTest.team(tenant, "r1", "r2");
        String key = MessageKeys.leadKey(tenant, "l1");
        SlaTest.toSql(tenant, "l1", null);
        pool.preparedQuery("UPDATE lead_stage SET sla_deadline = $2 WHERE tenant = $1")
                .execute(Tuple.of(tenant, OffsetDateTime.parse(LONG_AGO))).await().indefinitely();
        // A row this version cannot read (profile attributes must be an object), as an older writer or a hand-made fix
        // might leave it: handling it throws, every time.
        pool.preparedQuery("INSERT INTO lead_stage (tenant, lead_id, stage, since, policy_version, queue_score, "
                + "attributes, transition_count, updated_at, recheck_at) "
                + "VALUES ($1, 'poison', 'nurture', now(), 0, 0, '[1]'::jsonb, 0, now(), $2)")
                .execute(Tuple.of(broken, OffsetDateTime.parse(LONG_AGO))).await().indefinitely();
        try {
            Instant now = Clocks.now(clock);
            int handled = timers.runDue().await().atMost(Duration.ofSeconds(60));

            assertTrue(handled >= 1, "handled " + handled);
            Published.await(Topics.LEAD_ESCALATIONS, key, 1);
            List<LeadEscalated> escalations = Published.escalations(key);
            assertEquals(1, escalations.size(), escalations.toString());
            assertEquals("r1", escalations.get(0).previousOwnerRepId());
            assertEquals("r2", escalations.get(0).newOwnerRepId());
            Row ok = row(tenant, "l1");
            assertEquals("r2", ok.getString("owner_rep_id"));
            assertTrue(ok.getOffsetDateTime("sla_deadline").toInstant().isAfter(now), "a new SLA for r2");

            Row poison = row(broken, "poison");
            assertEquals(now.plus(config.timerFailureRetry()), poison.getOffsetDateTime("recheck_at").toInstant(),
                    "the failing lead's due timer is pushed back, so the next runs do not fail on it again");
            timers.runDue().await().atMost(Duration.ofSeconds(60));
            assertEquals(now.plus(config.timerFailureRetry()), row(broken, "poison").getOffsetDateTime("recheck_at")
                    .toInstant(), "not tried again before then");
            Fixtures.assertOpenLeadCountsMatchLeads(pool, tenant);
        } finally {
            // Other test classes move the shared clock on; the row would fail their timer rounds too.
            pool.preparedQuery("DELETE FROM lead_stage WHERE tenant = $1").execute(Tuple.of(broken)).await()
                    .indefinitely();
        }
    }

    private Row row(String tenant, String leadId) {
        return pool.preparedQuery("SELECT owner_rep_id, sla_deadline, recheck_at FROM lead_stage WHERE tenant = $1 "
                + "AND lead_id = $2").execute(Tuple.of(tenant, leadId)).await().indefinitely().iterator().next();
    }
}
