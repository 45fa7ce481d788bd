package io.leadscore.scoring.projection;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.scoring.engine.Fact;
import io.leadscore.scoring.engine.model.ScoringModel;
import io.leadscore.scoring.eventstore.StoredEvent;
import io.leadscore.scoring.model.ModelRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Rescores, within the event store's transaction, every lead that just received new events, under each active model
 * of its tenant: projection rows, history and outbox messages are written together with the events themselves.
 */
@ApplicationScoped
public class LiveScoring {

    private final ModelRegistry registry;
    private final ProjectionStore store;

    public LiveScoring(ModelRegistry registry, ProjectionStore store) {
        this.registry = registry;
        this.store = store;
    }

    /** Returns the ids of the outbox messages written, to publish after commit. */
    public Uni<List<Long>> onNewEvents(SqlConnection conn, List<StoredEvent> newEvents, Instant now) {
        Map<String, List<StoredEvent>> byTenant = new LinkedHashMap<>();
        for (StoredEvent e : newEvents) {
            byTenant.computeIfAbsent(e.tenant(), t -> new ArrayList<>()).add(e);
        }
        List<Long> outboxIds = new ArrayList<>();
        return Multi.createFrom().iterable(byTenant.entrySet())
                .onItem().transformToUniAndConcatenate(entry -> scoreTenant(conn, entry.getKey(), entry.getValue(), now))
                .invoke(outboxIds::addAll)
                .collect().last()
                .map(ignored -> outboxIds);
    }

    private Uni<List<Long>> scoreTenant(SqlConnection conn, String tenant, List<StoredEvent> events, Instant now) {
        Set<String> leadIds = new HashSet<>();
        Set<String> newIds = new HashSet<>();
        Map<String, String> traceparents = new HashMap<>();
        for (StoredEvent e : events) {
            leadIds.add(e.leadId());
            newIds.add(e.eventId());
            if (e.traceparent() != null) {
                traceparents.put(e.eventId(), e.traceparent());
            }
        }
        return registry.activeModels(tenant).chain(models -> {
            if (models.isEmpty()) {
                return Uni.createFrom().item(List.<Long>of());
            }
            Map<String, Instant> receivedAt = new HashMap<>();
            return store.loadFacts(conn, tenant, leadIds, receivedAt)
                    .chain(facts -> store.currentRows(conn, tenant, leadIds, true).map(current -> {
                        List<ScoreUpdate.Outcome> outcomes = new ArrayList<>();
                        for (String leadId : leadIds) {
                            List<Fact> leadFacts = facts.getOrDefault(leadId, List.of());
                            Instant newestReceived = newestReceived(leadFacts, newIds, receivedAt);
                            for (ScoringModel model : models) {
                                ScoreUpdate.Row row = current.getOrDefault(leadId, Map.of()).get(model.modelId());
                                outcomes.add(ScoreUpdate.decide(ScoreUpdate.Trigger.EVENTS, tenant, leadId, model,
                                        leadFacts, newIds, row, now, newestReceived));
                            }
                        }
                        return outcomes;
                    }))
                    .chain(outcomes -> store.write(conn, "lead_score", outcomes, traceparents));
        });
    }

    private static Instant newestReceived(List<Fact> facts, Set<String> newIds, Map<String, Instant> receivedAt) {
        Instant newest = null;
        for (Fact f : facts) {
            if (newIds.contains(f.eventId())) {
                Instant r = receivedAt.get(f.eventId());
                if (r != null && (newest == null || r.isAfter(newest))) {
                    newest = r;
                }
            }
        }
        return newest;
    }
}
