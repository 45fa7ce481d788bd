package io.leadscore.routing.lead;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.routing.api.TraceContext;
import io.leadscore.routing.config.RoutingConfig;
import io.leadscore.routing.domain.LeadRouter;
import io.leadscore.routing.outbox.OutboxMessage;
import io.leadscore.routing.outbox.OutboxPublisher;
import io.leadscore.routing.owner.OwnerBooks;
import io.leadscore.routing.policy.PolicyStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Follow-up SLAs and re-checks. Timers are columns of the lead's row ({@code sla_deadline}, {@code recheck_at}), so they
 * survive restarts. Each run claims due rows with {@code FOR UPDATE SKIP LOCKED}, tenant by tenant, and escalates,
 * reassigns and renews or clears the timer in the same transaction: two replicas never take the same lead, and a
 * replica that dies mid-way leaves the rows to the next run.
 */
@ApplicationScoped
public class Timers {

    static final int MAX_ROUNDS = 20;

    private final PgPool pool;
    private final Clock clock;
    private final PolicyStore policies;
    private final LeadStore leads;
    private final OwnerBooks owners;
    private final RoutingWriter writer;
    private final OutboxPublisher publisher;
    private final RoutingConfig config;
    private final LeadRouter router;
    private final Counter escalations;

    public Timers(PgPool pool, Clock clock, PolicyStore policies, LeadStore leads, OwnerBooks owners,
            RoutingWriter writer, OutboxPublisher publisher, RoutingConfig config, MeterRegistry registry) {
        this.pool = pool;
        this.clock = clock;
        this.policies = policies;
        this.leads = leads;
        this.owners = owners;
        this.writer = writer;
        this.publisher = publisher;
        this.config = config;
        this.router = new LeadRouter(config.waitingRetry());
        this.escalations = registry.counter("leadscore.routing.escalations");
    }

    // Delayed: a run in the first moments after start found the outgoing Kafka channel not yet connected (SRMSG00019).
    @Scheduled(every = "{leadscore.routing.timers-every}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return runDue().replaceWithVoid();
    }

    /** Processes every timer due now; answers how many leads were handled. */
    public Uni<Integer> runDue() {
        Instant now = Clocks.now(clock);
        return round(now, 0, 0, null);
    }

    /**
     * One transaction's worth of due leads, the oldest after {@code after} (from the oldest when null). A full batch of
     * candidates means more may be due, so another round follows, reading on after this round's last candidate: the
     * leads this round handled are no longer due, and those it could not claim are held by another replica, which is
     * working through them. Several replicas then share a backlog instead of all but one stopping at the oldest leads
     * they all read. A lead that becomes due behind the position reached waits for the next run.
     */
    private Uni<Integer> round(Instant now, int round, int handled, Position after) {
        return pool.withTransaction(conn -> claimAndRun(conn, now, after))
                .chain(result -> {
                    publisher.publishInBackground(result.messages());
                    int total = handled + result.leads();
                    return result.candidates() >= config.timerBatchSize() && round + 1 < MAX_ROUNDS
                            ? round(now, round + 1, total, result.last())
                            : Uni.createFrom().item(total);
                });
    }

    /** A place in the order due leads are read in: by due instant, then tenant, then lead. */
    private record Position(OffsetDateTime due, String tenant, String leadId) {
    }

    private record RoundResult(int candidates, int leads, Position last, List<OutboxMessage> messages) {
    }

    private Uni<RoundResult> claimAndRun(SqlConnection conn, Instant now, Position after) {
        // Each kind of timer is read off its own partial index, oldest first, so a round costs its batch, not a sort of
        // every due row: after a policy change every lead of the tenant is due at once (measured: 123,000 due re-checks
        // took 134 ms of sorting per 500-lead round with "sla_deadline <= $1 OR recheck_at <= $1 ORDER BY least(..)").
        // The indexes (V5) order ties (a policy change makes many leads due at the same instant) by tenant and lead, so
        // reading on after a position is a range scan of one batch.
        // Read without locks: the leads are locked tenant by tenant below (see claim).
        String sla = after == null ? "" : " AND (sla_deadline, tenant, lead_id) > ($3, $4, $5)";
        String recheck = after == null ? "" : " AND (recheck_at, tenant, lead_id) > ($3, $4, $5)";
        String either = after == null ? "" : " WHERE (due, tenant, lead_id) > ($3, $4, $5)";
        Tuple params = Tuple.of(LeadStore.ts(now), config.timerBatchSize());
        if (after != null) {
            params.addOffsetDateTime(after.due()).addString(after.tenant()).addString(after.leadId());
        }
        return conn.preparedQuery("WITH sla AS (SELECT tenant, lead_id, sla_deadline AS due FROM lead_stage "
                + "WHERE sla_deadline <= $1" + sla + " ORDER BY sla_deadline, tenant, lead_id LIMIT $2), "
                + "recheck AS (SELECT tenant, lead_id, recheck_at AS due FROM lead_stage "
                + "WHERE recheck_at <= $1" + recheck + " ORDER BY recheck_at, tenant, lead_id LIMIT $2) "
                + "SELECT tenant, lead_id, due FROM (SELECT tenant, lead_id, min(due) AS due FROM "
                + "(SELECT * FROM sla UNION ALL SELECT * FROM recheck) d GROUP BY tenant, lead_id) u" + either
                + " ORDER BY due, tenant, lead_id LIMIT $2")
                .execute(params)
                .chain(rows -> {
                    // Tenants in name order, as the score-change consumer locks their owner books (see ScoreRouting).
                    Map<String, List<String>> byTenant = new TreeMap<>();
                    Position last = null;
                    for (Row r : rows) {
                        byTenant.computeIfAbsent(r.getString("tenant"), k -> new ArrayList<>()).add(r.getString("lead_id"));
                        last = new Position(r.getOffsetDateTime("due"), r.getString("tenant"), r.getString("lead_id"));
                    }
                    Position reached = last;
                    List<OutboxMessage> out = new ArrayList<>();
                    AtomicInteger claimedLeads = new AtomicInteger();
                    return Multi.createFrom().iterable(byTenant.entrySet())
                            .onItem().transformToUniAndConcatenate(e -> claim(conn, e.getKey(), e.getValue(), now)
                                    .chain(claimed -> {
                                        claimedLeads.addAndGet(claimed.size());
                                        return claimed.isEmpty()
                                                ? Uni.createFrom().item(List.<OutboxMessage>of())
                                                : runTenant(conn, e.getKey(), claimed, now);
                                    })
                                    .invoke(out::addAll))
                            .collect().last()
                            .map(ignored -> new RoundResult(rows.size(), claimedLeads.get(), reached, out));
                });
    }

    /**
     * Locks those of a tenant's candidate leads that are still due and that no one else holds. Locking tenant by
     * tenant, each tenant's leads just before its owner book, is the score-change consumer's order: locking every
     * tenant's leads up front, a round could hold a lead of a later tenant while waiting for an earlier tenant's book
     * that a consumer holds while it waits for that very lead (a deadlock PostgreSQL would break by failing one).
     * The due condition is checked again on the locked row, so a lead another replica has just handled is left out.
     */
    private Uni<List<String>> claim(SqlConnection conn, String tenant, List<String> leadIds, Instant now) {
        return conn.preparedQuery("SELECT lead_id FROM lead_stage WHERE tenant = $1 AND lead_id = ANY($2) "
                + "AND (sla_deadline <= $3 OR recheck_at <= $3) ORDER BY lead_id FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(tenant, leadIds.toArray(String[]::new), LeadStore.ts(now)))
                .map(rows -> {
                    List<String> claimed = new ArrayList<>(rows.size());
                    rows.forEach(r -> claimed.add(r.getString(0)));
                    return claimed;
                });
    }

    private Uni<List<OutboxMessage>> runTenant(SqlConnection conn, String tenant, List<String> leadIds, Instant now) {
        return policies.active(conn, tenant)
                .chain(policy -> leads.load(conn, tenant, leadIds, false)
                        .chain(stored -> owners.lockAndLoad(conn, tenant).chain(book -> {
                            List<LeadChange> changes = new ArrayList<>();
                            for (StoredLead s : stored.values()) {
                                LeadRouter.Routed r = router.onTimer(policy, s.lead(), book, now);
                                escalations.increment(r.escalations().size());
                                changes.add(new LeadChange(s.lead(), r.lead(), r.transitions(), r.escalations(), policy,
                                        TraceContext.current(s.traceparent())));
                            }
                            return owners.saveCursors(conn, tenant, book)
                                    .chain(() -> writer.write(conn, changes, List.of()));
                        })));
    }
}
