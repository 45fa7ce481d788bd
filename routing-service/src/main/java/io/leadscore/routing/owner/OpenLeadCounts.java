package io.leadscore.routing.owner;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Keeps {@code rep_open_leads} honest. Every write of a lead adjusts it in the same transaction, so it only goes wrong
 * when something writes leads without it: a previous version still running during a rolling upgrade, or a hand-made
 * fix in the database. (Two transactions that both create the same new lead, as when a rebalance hands one batch to
 * two replicas, cannot both count it, nor can the second overwrite the first's row: a new lead always gets its first
 * transition (from no stage), so the second fails on that transition's key, rolls back and is retried;
 * NewLeadRaceTest.) Every
 * {@code leadscore.routing.open-leads-reconcile-every} each tenant's counts are compared with its leads and repaired;
 * a repair is logged as a warning, since it means one of these happened.
 */
@ApplicationScoped
public class OpenLeadCounts {

    private static final Logger LOG = Logger.getLogger(OpenLeadCounts.class);

    private final PgPool pool;

    public OpenLeadCounts(PgPool pool) {
        this.pool = pool;
    }

    @Scheduled(every = "{leadscore.routing.open-leads-reconcile-every}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return reconcileAll().replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("Checking the open-lead counts failed: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Checks and repairs every tenant with reps or counts, one transaction each; answers how many counts were wrong. */
    public Uni<Integer> reconcileAll() {
        return pool.query("SELECT tenant FROM sales_rep UNION SELECT tenant FROM rep_open_leads ORDER BY 1").execute()
                .chain(rows -> {
                    List<String> tenants = new ArrayList<>();
                    rows.forEach(r -> tenants.add(r.getString(0)));
                    return Multi.createFrom().iterable(tenants)
                            .onItem().transformToUniAndConcatenate(this::reconcile)
                            .collect().with(java.util.stream.Collectors.summingInt(Integer::intValue));
                });
    }

    /**
     * Sets each of the tenant's counts that differs from its leads to the true number; answers how many did. First
     * every owner of an open lead gets a count row (0 where it had none), committed on its own; then, in one
     * transaction, the tenant's count rows are locked and its leads counted. A writer that changes leads meanwhile has
     * either committed before the counting (and is in it) or adjusts a row this holds, after this commits, on top of
     * the true number; it cannot insert a row this would then overwrite. Rows are locked in byte order ({@code COLLATE
     * "C"}), the order in which writers lock them (Java's string order of the ids, see {@code LeadStore.save}); the
     * database's own collation may order '-' and '_' differently, and two lock orders could deadlock.
     */
    public Uni<Integer> reconcile(String tenant) {
        Tuple t = Tuple.of(tenant);
        return pool.preparedQuery("INSERT INTO rep_open_leads (tenant, rep_id, open_leads) SELECT tenant, "
                + "owner_rep_id, 0 FROM lead_stage WHERE tenant = $1 AND stage IN ('mql', 'sql', 'accepted') "
                + "AND owner_rep_id IS NOT NULL GROUP BY tenant, owner_rep_id ORDER BY owner_rep_id COLLATE \"C\" "
                + "ON CONFLICT (tenant, rep_id) DO NOTHING").execute(t)
                .chain(() -> pool.withTransaction(conn -> conn.preparedQuery("SELECT rep_id FROM rep_open_leads "
                        + "WHERE tenant = $1 ORDER BY rep_id COLLATE \"C\" FOR UPDATE").execute(t)
                        .chain(() -> conn.preparedQuery("WITH truth AS (SELECT owner_rep_id AS rep_id, count(*)::int AS n "
                                + "FROM lead_stage WHERE tenant = $1 AND stage IN ('mql', 'sql', 'accepted') "
                                + "AND owner_rep_id IS NOT NULL GROUP BY owner_rep_id), "
                                + "counted AS (SELECT rep_id, open_leads FROM rep_open_leads WHERE tenant = $1), "
                                + "wrong AS (SELECT coalesce(truth.rep_id, counted.rep_id) AS rep_id, coalesce(truth.n, 0) AS n "
                                + "FROM truth FULL JOIN counted ON counted.rep_id = truth.rep_id "
                                + "WHERE coalesce(truth.n, 0) IS DISTINCT FROM counted.open_leads) "
                                + "INSERT INTO rep_open_leads (tenant, rep_id, open_leads) SELECT $1, rep_id, n FROM wrong "
                                + "ORDER BY rep_id COLLATE \"C\" ON CONFLICT (tenant, rep_id) DO UPDATE SET open_leads = excluded.open_leads "
                                + "RETURNING rep_id").execute(t))))
                .map(repaired -> {
                    if (repaired.size() > 0) {
                        List<String> reps = new ArrayList<>();
                        repaired.forEach(r -> reps.add(r.getString(0)));
                        LOG.warnf("Repaired the open-lead counts of %d rep(s) of tenant %s: %s (leads were written "
                                + "without adjusting them)", repaired.size(), tenant, reps);
                    }
                    return repaired.size();
                });
    }
}
