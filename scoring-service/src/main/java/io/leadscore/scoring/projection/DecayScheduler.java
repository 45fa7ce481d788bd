package io.leadscore.scoring.projection;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.leadscore.scoring.engine.LeadLog;
import io.leadscore.scoring.engine.model.ScoringModel;
import io.leadscore.scoring.model.ModelRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Publishes band changes caused by decay alone. Each projection row carries the instant its band will next change
 * ({@code next_change_at}, computed by the engine); this job wakes only the rows that are due, never rescanning every
 * lead. Rows are claimed with {@code FOR UPDATE SKIP LOCKED}, so replicas share the work without doing it twice.
 */
@ApplicationScoped
public class DecayScheduler {

    private static final Logger LOG = Logger.getLogger(DecayScheduler.class);
    static final int BATCH = 500;

    private final PgPool pool;
    private final ModelRegistry registry;
    private final ProjectionStore store;
    private final ScoreChangePublisher publisher;

    public DecayScheduler(PgPool pool, ModelRegistry registry, ProjectionStore store, ScoreChangePublisher publisher) {
        this.pool = pool;
        this.registry = registry;
        this.store = store;
        this.publisher = publisher;
    }

    // Starts 5 s after boot: a first run before the score-changes channel is connected fails to inject its emitter.
    @Scheduled(every = "${leadscore.scoring.decay-check-interval}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return runDue(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)).replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf(e, "Decay check failed"))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Processes every row due at {@code now}, in batches; returns how many rows were rescored. */
    public Uni<Integer> runDue(Instant now) {
        return runBatch(now).chain(n -> n < BATCH ? Uni.createFrom().item(n) : runDue(now).map(m -> n + m));
    }

    private Uni<Integer> runBatch(Instant now) {
        List<OutboxMessage> outbox = new ArrayList<>();
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT * FROM lead_score WHERE next_change_at <= $1 "
                + "ORDER BY next_change_at LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(ProjectionStore.utc(now)))
                .chain(rows -> {
                    Map<String, List<ScoreUpdate.Row>> byTenant = new HashMap<>();
                    for (Row r : rows) {
                        ScoreUpdate.Row row = ProjectionStore.toRow(r);
                        byTenant.computeIfAbsent(row.tenant(), t -> new ArrayList<>()).add(row);
                    }
                    return Multi.createFrom().iterable(byTenant.entrySet())
                            .onItem().transformToUniAndConcatenate(e -> rescore(conn, e.getKey(), e.getValue(), now))
                            .invoke(outbox::addAll)
                            .collect().last()
                            .map(ignored -> rows.size());
                }))
                .call(() -> publisher.publish(outbox));
    }

    private Uni<List<OutboxMessage>> rescore(SqlConnection conn, String tenant, List<ScoreUpdate.Row> due, Instant now) {
        Map<String, List<ScoreUpdate.Row>> dueByLead = new LinkedHashMap<>();
        due.forEach(r -> dueByLead.computeIfAbsent(r.leadId(), k -> new ArrayList<>()).add(r));
        List<ScoreUpdate.Row> orphaned = new ArrayList<>();
        return registry.activeModels(conn, tenant).chain(models -> {
            Map<String, ScoringModel> byId = new HashMap<>();
            models.forEach(m -> byId.put(m.modelId(), m));
            return store.inGroups(conn, tenant, dueByLead.keySet(), (leadIds, facts) -> {
                List<ScoreUpdate.Outcome> outcomes = new ArrayList<>();
                for (String leadId : leadIds) {
                    LeadLog leadFacts = facts.getOrDefault(leadId, LeadLog.empty());
                    for (ScoreUpdate.Row row : dueByLead.get(leadId)) {
                        ScoringModel model = byId.get(row.modelId());
                        if (model == null) {
                            orphaned.add(row);
                            continue;
                        }
                        outcomes.add(ScoreUpdate.decide(ScoreUpdate.Trigger.DECAY, tenant, leadId, model, leadFacts,
                                List.of(), row, now, null));
                    }
                }
                return store.write(conn, outcomes, Map.of());
            });
        })
                .map(perGroup -> perGroup.stream().flatMap(List::stream).toList())
                .call(() -> clearWakeUps(conn, tenant, orphaned));
    }

    /** Rows of a model that is no longer active have nothing to wake up for; otherwise they would be due forever. */
    private static Uni<Void> clearWakeUps(SqlConnection conn, String tenant, List<ScoreUpdate.Row> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return conn.preparedQuery("UPDATE lead_score s SET next_change_at = NULL FROM unnest($2::text[], $3::text[]) "
                + "AS u(m, l) WHERE s.tenant = $1 AND s.model_id = u.m AND s.lead_id = u.l")
                .execute(Tuple.of(tenant, rows.stream().map(ScoreUpdate.Row::modelId).toArray(String[]::new),
                        rows.stream().map(ScoreUpdate.Row::leadId).toArray(String[]::new)))
                .replaceWithVoid();
    }
}
