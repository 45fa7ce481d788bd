package io.leadscore.routing.lead;

import java.time.Clock;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Brings leads' re-checks forward to now, so the next timer run re-decides them: every lead of a tenant after a new
 * policy, or the leads waiting for an owner after reps or teams change. The rows are locked in {@code lead_id} order,
 * the order in which the score-change consumer locks its batch, so the two wait for each other instead of deadlocking
 * (a plain UPDATE locks in scan order: a rep's PUT answered 500 "deadlock detected" while score changes were routed).
 */
@ApplicationScoped
public class Rechecks {

    private static final String WAITING_FOR_OWNER = " AND owner_rep_id IS NULL AND stage IN ('mql', 'sql')";

    private final PgPool pool;
    private final Clock clock;

    public Rechecks(PgPool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    public Uni<Void> all(String tenant) {
        return bringForward(tenant, "");
    }

    public Uni<Void> waitingForOwner(String tenant) {
        return bringForward(tenant, WAITING_FOR_OWNER);
    }

    private Uni<Void> bringForward(String tenant, String condition) {
        return pool.preparedQuery("UPDATE lead_stage s SET recheck_at = $2 FROM (SELECT tenant, lead_id FROM lead_stage "
                + "WHERE tenant = $1" + condition + " ORDER BY lead_id FOR UPDATE) locked "
                + "WHERE s.tenant = locked.tenant AND s.lead_id = locked.lead_id")
                .execute(Tuple.of(tenant, Clocks.now(clock).atOffset(ZoneOffset.UTC))).replaceWithVoid();
    }
}
