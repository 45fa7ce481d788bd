package io.leadscore.scoring.rescoring;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.leadscore.scoring.engine.LeadLog;
import io.leadscore.scoring.engine.model.ScoringModel;
import io.leadscore.scoring.model.ModelRegistry;
import io.leadscore.scoring.projection.OutboxMessage;
import io.leadscore.scoring.projection.ProjectionStore;
import io.leadscore.scoring.projection.ScoreChangePublisher;
import io.leadscore.scoring.projection.ScoreUpdate;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Rescores every lead of a tenant under a newly published model version, a page of leads per transaction, publishing
 * {@code ScoreChanged} (cause {@code model-version}) only where the band changed.
 */
@ApplicationScoped
public class Rescoring {

    private static final Logger LOG = Logger.getLogger(Rescoring.class);
    static final int PAGE = 500;

    private final PgPool pool;
    private final ModelRegistry registry;
    private final ProjectionStore store;
    private final ScoreChangePublisher publisher;

    public Rescoring(PgPool pool, ModelRegistry registry, ProjectionStore store, ScoreChangePublisher publisher) {
        this.pool = pool;
        this.registry = registry;
        this.store = store;
        this.publisher = publisher;
    }

    /** Starts rescoring in the background. */
    public void rescoreTenant(String tenant, String modelId) {
        rescore(tenant, modelId, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)).subscribe().with(
                n -> LOG.infof("Rescored %d leads of tenant %s under the new version of %s", n, tenant, modelId),
                e -> LOG.errorf(e, "Rescoring tenant %s under %s failed", tenant, modelId));
    }

    public Uni<Integer> rescore(String tenant, String modelId, Instant now) {
        return registry.activeModels(tenant).chain(models -> {
            Optional<ScoringModel> model = models.stream().filter(m -> m.modelId().equals(modelId)).findFirst();
            return model.map(m -> page(tenant, m, "", now, 0)).orElse(Uni.createFrom().item(0));
        });
    }

    /**
     * The instant a lead is rescored at: the run's, unless live scoring computed the lead's row later (an event scored
     * after the run started). A row is never moved back in time: rescoring it at the run's start would leave out that
     * event and announce a downgrade that the next decay check takes back.
     */
    static Instant at(ScoreUpdate.Row current, Instant runStart) {
        return current != null && current.computedAt() != null && current.computedAt().isAfter(runStart)
                ? current.computedAt()
                : runStart;
    }

    private Uni<Integer> page(String tenant, ScoringModel model, String after, Instant now, int done) {
        List<OutboxMessage> outbox = new ArrayList<>();
        // The page's streams are locked before their facts are read: an event live scoring stores meanwhile waits for
        // this page, instead of being committed between the read and the write and then overwritten without its points.
        // Streams in lead order, as the live appender locks them (no deadlock between the two).
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT lead_id FROM lead_stream WHERE tenant = $1 "
                + "AND lead_id > $2 ORDER BY lead_id LIMIT " + PAGE + " FOR UPDATE").execute(Tuple.of(tenant, after))
                .chain(rows -> {
                    List<String> leadIds = new ArrayList<>();
                    for (Row r : rows) {
                        leadIds.add(r.getString(0));
                    }
                    if (leadIds.isEmpty()) {
                        return Uni.createFrom().item(leadIds);
                    }
                    return store.inGroups(conn, tenant, leadIds, (group, facts) -> store
                            .currentRows(conn, tenant, List.of(model), group, true).chain(current -> {
                                List<ScoreUpdate.Outcome> outcomes = new ArrayList<>();
                                for (String leadId : group) {
                                    LeadLog leadFacts = facts.getOrDefault(leadId, LeadLog.empty());
                                    ScoreUpdate.Row row = current.getOrDefault(leadId, Map.of()).get(model.modelId());
                                    outcomes.add(ScoreUpdate.decide(ScoreUpdate.Trigger.MODEL_VERSION, tenant, leadId,
                                            model, leadFacts, List.of(), row, at(row, now), null));
                                }
                                return store.write(conn, outcomes, Map.of());
                            }))
                            .invoke(perGroup -> perGroup.forEach(outbox::addAll))
                            .map(ignored -> leadIds);
                }))
                .call(() -> publisher.publish(outbox))
                .chain(leadIds -> leadIds.size() < PAGE
                        ? Uni.createFrom().item(done + leadIds.size())
                        : page(tenant, model, leadIds.get(leadIds.size() - 1), now, done + leadIds.size()));
    }
}
