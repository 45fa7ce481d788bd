package io.leadscore.routing.owner;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.routing.lead.Clocks;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * When reps or teams change, leads waiting for an owner may now get one: their re-check is brought forward to now, so
 * the next timer run tries again instead of waiting out the retry interval.
 */
@ApplicationScoped
public class WaitingLeads {

    private final PgPool pool;
    private final Clock clock;

    public WaitingLeads(PgPool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    public Uni<Void> nudge(String tenant) {
        return pool.preparedQuery("UPDATE lead_stage SET recheck_at = $2 WHERE tenant = $1 AND owner_rep_id IS NULL "
                + "AND stage IN ('mql', 'sql')").execute(Tuple.of(tenant, Clocks.now(clock).atOffset(java.time.ZoneOffset.UTC)))
                .replaceWithVoid();
    }
}
