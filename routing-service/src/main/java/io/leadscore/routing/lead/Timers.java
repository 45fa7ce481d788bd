package io.leadscore.routing.lead;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

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
 * replica that dies mid-way leaves the rows to the next run. A lead whose handling fails is handled on its own and set
 * aside, so the other leads of its round, of every tenant, go on (see {@link #round}).
 */
@ApplicationScoped
public class Timers {

    static final int MAX_ROUNDS = 20;

    private static final Logger LOG = Logger.getLogger(Timers.class);

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
    private final Counter timerFailures;

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
        this.timerFailures = registry.counter("leadscore.routing.timer.failures");
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
     * <p>
     * If the round's transaction fails while the database answers, its candidates are handled one per transaction, as
     * the score-change consumer routes a failing batch record by record (see {@link OneByOne}): a lead whose handling
     * fails has its due timers pushed back by {@code timer-failure-retry} instead of rolling back the other leads, of
     * every tenant, in its round on every run.
     */
    private Uni<Integer> round(Instant now, int round, int handled, Position after) {
        AtomicReference<List<Candidate>> read = new AtomicReference<>();
        return pool.withTransaction(conn -> candidates(conn, now, after).invoke(read::set)
                .chain(candidates -> run(conn, candidates, now)))
                .map(this::committed)
                .onFailure().recoverWithUni(failure -> read.get() == null
                        ? Uni.createFrom().failure(failure)
                        : oneByOne(read.get(), now, failure))
                .chain(leads -> {
                    List<Candidate> candidates = read.get();
                    int total = handled + leads;
                    return candidates.size() >= config.timerBatchSize() && round + 1 < MAX_ROUNDS
                            ? round(now, round + 1, total, candidates.get(candidates.size() - 1).position())
                            : Uni.createFrom().item(total);
                });
    }

    /** A place in the order due leads are read in: by due instant, then tenant, then lead. */
    private record Position(OffsetDateTime due, String tenant, String leadId) {
    }

    /** A lead read as due, not yet locked. */
    private record Candidate(String tenant, String leadId, OffsetDateTime due) {
        Position position() {
            return new Position(due, tenant, leadId);
        }
    }

    /** What a transaction did with its candidates: the leads it claimed and handled and what they publish. */
    private record Handled(int leads, int escalations, List<OutboxMessage> messages) {
    }

    /** After the commit: the messages go out, and the escalations count (a rolled-back round's do not). */
    private int committed(Handled handled) {
        publisher.publishInBackground(handled.messages());
        escalations.increment(handled.escalations());
        return handled.leads();
    }

    private Uni<Integer> oneByOne(List<Candidate> candidates, Instant now, Throwable roundFailure) {
        AtomicInteger leads = new AtomicInteger();
        return OneByOne.handle(pool, "A timer round of " + candidates.size() + " due lead(s)", candidates,
                roundFailure,
                c -> pool.withTransaction(conn -> run(conn, List.of(c), now))
                        .invoke(h -> leads.addAndGet(committed(h))).replaceWithVoid(),
                (c, failure) -> setAside(c, now, failure))
                .map(ignored -> leads.get());
    }

    /**
     * Pushes back the due timers of a lead whose handling failed on its own, so the next runs do not fail their rounds
     * on it again; its other timers stay as they are. A lead another replica holds by now is left to it.
     */
    private Uni<Void> setAside(Candidate c, Instant now, Throwable failure) {
        Instant retry = now.plus(config.timerFailureRetry());
        LOG.errorf(failure, "Timers of lead %s of tenant %s failed; they are tried again from %s", c.leadId(),
                c.tenant(), retry);
        timerFailures.increment();
        return pool.preparedQuery("UPDATE lead_stage s SET "
                + "sla_deadline = CASE WHEN s.sla_deadline <= $3 THEN $4 ELSE s.sla_deadline END, "
                + "recheck_at = CASE WHEN s.recheck_at <= $3 THEN $4 ELSE s.recheck_at END "
                + "FROM (SELECT tenant, lead_id FROM lead_stage WHERE tenant = $1 AND lead_id = $2 "
                + "FOR UPDATE SKIP LOCKED) locked WHERE s.tenant = locked.tenant AND s.lead_id = locked.lead_id")
                .execute(Tuple.of(c.tenant(), c.leadId(), LeadStore.ts(now), LeadStore.ts(retry)))
                .replaceWithVoid();
    }

    private Uni<List<Candidate>> candidates(SqlConnection conn, Instant now, Position after) {
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
                .map(rows -> {
                    List<Candidate> candidates = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        candidates.add(new Candidate(r.getString("tenant"), r.getString("lead_id"),
                                r.getOffsetDateTime("due")));
                    }
                    return candidates;
                });
    }

    /** Claims and handles the candidates that are still due and free, tenant by tenant. */
    private Uni<Handled> run(SqlConnection conn, List<Candidate> candidates, Instant now) {
        // Tenants in name order, as the score-change consumer locks their owner books (see ScoreRouting).
        Map<String, List<String>> byTenant = new TreeMap<>();
        for (Candidate c : candidates) {
            byTenant.computeIfAbsent(c.tenant(), k -> new ArrayList<>()).add(c.leadId());
        }
        List<OutboxMessage> out = new ArrayList<>();
        AtomicInteger claimedLeads = new AtomicInteger();
        AtomicInteger escalated = new AtomicInteger();
        return Multi.createFrom().iterable(byTenant.entrySet())
                .onItem().transformToUniAndConcatenate(e -> claim(conn, e.getKey(), e.getValue(), now)
                        .chain(claimed -> {
                            claimedLeads.addAndGet(claimed.size());
                            return claimed.isEmpty()
                                    ? Uni.createFrom().item(List.<OutboxMessage>of())
                                    : runTenant(conn, e.getKey(), claimed, now, escalated);
                        })
                        .invoke(out::addAll))
                .collect().last()
                .map(ignored -> new Handled(claimedLeads.get(), escalated.get(), out));
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

    private Uni<List<OutboxMessage>> runTenant(SqlConnection conn, String tenant, List<String> leadIds, Instant now,
            AtomicInteger escalated) {
        return policies.active(conn, tenant)
                .chain(policy -> leads.load(conn, tenant, leadIds, false)
                        .chain(stored -> owners.lockAndLoad(conn, tenant).chain(book -> {
                            List<LeadChange> changes = new ArrayList<>();
                            for (StoredLead s : stored.values()) {
                                LeadRouter.Routed r = router.onTimer(policy, s.lead(), book, now);
                                escalated.addAndGet(r.escalations().size());
                                changes.add(new LeadChange(s.lead(), r.lead(), r.transitions(), r.escalations(), policy,
                                        TraceContext.current(s.traceparent())));
                            }
                            return owners.saveCursors(conn, tenant, book)
                                    .chain(() -> writer.write(conn, changes, List.of()));
                        })));
    }
}
