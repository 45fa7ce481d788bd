package io.leadscore.routing.lead;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.routing.config.RoutingConfig;
import io.leadscore.routing.domain.LeadRouter;
import io.leadscore.routing.domain.LeadRouting;
import io.leadscore.routing.domain.StageDecision;
import io.leadscore.routing.domain.StageEngine;
import io.leadscore.routing.domain.owner.OwnerBook;
import io.leadscore.routing.domain.policy.RoutingPolicy;
import io.leadscore.routing.outbox.OutboxMessage;
import io.leadscore.routing.outbox.OutboxPublisher;
import io.leadscore.routing.owner.OwnerBooks;
import io.leadscore.routing.policy.PolicyStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Applies score changes to the read model and routes the leads, one transaction for a whole batch. Each change is
 * decided in arrival order, so the transitions do not depend on how records were batched; changes not newer than what a
 * lead already has for the model are skipped, so duplicates and replays change nothing.
 */
@ApplicationScoped
public class ScoreRouting {

    private final PgPool pool;
    private final Clock clock;
    private final PolicyStore policies;
    private final LeadStore leads;
    private final OwnerBooks owners;
    private final RoutingWriter writer;
    private final OutboxPublisher publisher;
    private final LeadRouter router;
    private final Counter applied;
    private final Counter skipped;
    private final Counter transitions;

    public ScoreRouting(PgPool pool, Clock clock, PolicyStore policies, LeadStore leads, OwnerBooks owners,
            RoutingWriter writer, OutboxPublisher publisher, RoutingConfig config, MeterRegistry registry) {
        this.pool = pool;
        this.clock = clock;
        this.policies = policies;
        this.leads = leads;
        this.owners = owners;
        this.writer = writer;
        this.publisher = publisher;
        this.router = new LeadRouter(config.waitingRetry());
        this.applied = registry.counter("leadscore.routing.score.changes", "outcome", "applied");
        this.skipped = registry.counter("leadscore.routing.score.changes", "outcome", "duplicate");
        this.transitions = registry.counter("leadscore.routing.transitions");
    }

    /** Routes the batch in one transaction (retried on failure) and publishes the outcome after commit. */
    public Uni<Void> route(List<IncomingScore> batch) {
        if (batch.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Instant now = Clocks.now(clock);
        return pool.withTransaction(conn -> routeAll(conn, batch, now))
                .onFailure().retry().withBackOff(Duration.ofMillis(50), Duration.ofSeconds(1)).atMost(4)
                .invoke(publisher::publishInBackground)
                .replaceWithVoid();
    }

    /** Routes the batch in the caller's transaction; package-private so a test can hold it open (NewLeadRaceTest). */
    Uni<List<OutboxMessage>> routeAll(SqlConnection conn, List<IncomingScore> batch, Instant now) {
        // Tenants in name order: each tenant's lead rows and owner book are locked in turn, so two consumers (or
        // replicas) whose batches share tenants lock them in the same order and wait for each other instead of
        // deadlocking (batch order would have one lock A's book then wait for B's while the other holds B's).
        Map<String, List<IncomingScore>> byTenant = new TreeMap<>();
        batch.forEach(s -> byTenant.computeIfAbsent(s.tenant(), k -> new ArrayList<>()).add(s));
        List<OutboxMessage> out = new ArrayList<>();
        return Multi.createFrom().iterable(byTenant.entrySet())
                .onItem().transformToUniAndConcatenate(e -> routeTenant(conn, e.getKey(), e.getValue(), now)
                        .invoke(out::addAll))
                .collect().last()
                .map(ignored -> out);
    }

    private Uni<List<OutboxMessage>> routeTenant(SqlConnection conn, String tenant, List<IncomingScore> changes,
            Instant now) {
        List<String> leadIds = changes.stream().map(IncomingScore::leadId).toList();
        return policies.active(conn, tenant).chain(policy -> leads.load(conn, tenant, leadIds, true).chain(stored -> {
            Map<String, LeadRouting> before = new LinkedHashMap<>();
            Map<String, LeadRouting> latest = new LinkedHashMap<>();
            Map<String, List<io.leadscore.routing.domain.Transition>> moves = new LinkedHashMap<>();
            Map<String, String> traces = new LinkedHashMap<>();
            Map<String, String> transitionTraces = new LinkedHashMap<>();
            stored.forEach((id, s) -> {
                before.put(id, s.lead());
                latest.put(id, s.lead());
                traces.put(id, s.traceparent());
            });
            AtomicReference<OwnerBook> book = new AtomicReference<>();
            return Multi.createFrom().iterable(changes)
                    .onItem().transformToUniAndConcatenate(change -> {
                        LeadRouting lead = latest.getOrDefault(change.leadId(), LeadRouting.unseen(tenant,
                                change.leadId()));
                        LeadRouting observed = lead.observe(change.score());
                        if (observed == null) {
                            skipped.increment();
                            return Uni.createFrom().voidItem();
                        }
                        applied.increment();
                        StageDecision decision = StageEngine.decide(policy, observed, now);
                        Uni<OwnerBook> owners = LeadRouter.needsBook(decision) && book.get() == null
                                ? this.owners.lockAndLoad(conn, tenant).invoke(book::set)
                                : Uni.createFrom().item(book.get());
                        return owners.map(b -> {
                            LeadRouter.Routed routed = router.apply(policy, observed, decision, b, now);
                            latest.put(change.leadId(), routed.lead());
                            before.putIfAbsent(change.leadId(), LeadRouting.unseen(tenant, change.leadId()));
                            moves.computeIfAbsent(change.leadId(), k -> new ArrayList<>()).addAll(routed.transitions());
                            if (change.traceparent() != null) {
                                traces.put(change.leadId(), change.traceparent());
                                routed.transitions().forEach(t -> transitionTraces.put(t.transitionId(),
                                        change.traceparent()));
                            }
                            return null;
                        }).replaceWithVoid();
                    })
                    .collect().last()
                    .chain(() -> write(conn, tenant, policy, before, latest, moves, traces, transitionTraces,
                            book.get()));
        }));
    }

    private Uni<List<OutboxMessage>> write(SqlConnection conn, String tenant, RoutingPolicy policy,
            Map<String, LeadRouting> before, Map<String, LeadRouting> latest,
            Map<String, List<io.leadscore.routing.domain.Transition>> moves, Map<String, String> traces,
            Map<String, String> transitionTraces, OwnerBook book) {
        List<LeadChange> changes = new ArrayList<>();
        latest.forEach((id, lead) -> {
            LeadRouting old = before.get(id);
            List<io.leadscore.routing.domain.Transition> ts = moves.getOrDefault(id, List.of());
            if (!ts.isEmpty() || !lead.equals(old)) {
                changes.add(new LeadChange(old, lead, ts, List.of(), policy, traces.get(id), transitionTraces));
                transitions.increment(ts.size());
            }
        });
        Uni<Void> cursors = book == null ? Uni.createFrom().voidItem() : owners.saveCursors(conn, tenant, book);
        return cursors.chain(() -> writer.write(conn, changes, List.of()));
    }
}
