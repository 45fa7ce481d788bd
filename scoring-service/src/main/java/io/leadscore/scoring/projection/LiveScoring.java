package io.leadscore.scoring.projection;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.scoring.engine.Fact;
import io.leadscore.scoring.engine.LeadLog;
import io.leadscore.scoring.engine.model.ScoringModel;
import io.leadscore.scoring.eventstore.EventStore;
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

    /** The outbox messages to publish after commit, and the fact lists to cache once the transaction committed. */
    public record Result(List<OutboxMessage> outbox, Map<String, LeadFactsCache.Entry> cacheUpdates) {
    }

    private final ModelRegistry registry;
    private final ProjectionStore store;
    private final LeadFactsCache cache;
    public LiveScoring(ModelRegistry registry, ProjectionStore store, LeadFactsCache cache) {
        this.registry = registry;
        this.store = store;
        this.cache = cache;
    }

    public Uni<Result> onNewEvents(SqlConnection conn, EventStore.Appended appended, Instant now) {
        Map<String, List<StoredEvent>> byTenant = new LinkedHashMap<>();
        for (StoredEvent e : appended.fresh()) {
            byTenant.computeIfAbsent(e.tenant(), t -> new ArrayList<>()).add(e);
        }
        Result result = new Result(new ArrayList<>(), new HashMap<>());
        return Multi.createFrom().iterable(byTenant.entrySet())
                .onItem().transformToUniAndConcatenate(entry -> scoreTenant(conn, entry.getKey(), entry.getValue(),
                        appended, now, result))
                .collect().last()
                .map(ignored -> result);
    }

    private Uni<Void> scoreTenant(SqlConnection conn, String tenant, List<StoredEvent> events,
            EventStore.Appended appended, Instant now, Result result) {
        Set<String> leadIds = new LinkedHashSet<>();
        Map<String, String> traceparents = new HashMap<>();
        // When ingest received each lead's newest new event: the start of its event-to-score latency.
        Map<String, Instant> newestReceivedByLead = new HashMap<>();
        Map<String, List<Fact>> newFacts = new HashMap<>();
        for (StoredEvent e : events) {
            leadIds.add(e.leadId());
            newestReceivedByLead.merge(e.leadId(), e.receivedAt(), (a, b) -> a.isAfter(b) ? a : b);
            newFacts.computeIfAbsent(e.leadId(), k -> new ArrayList<>()).add(toFact(e));
            if (e.traceparent() != null) {
                traceparents.put(e.eventId(), e.traceparent());
            }
        }
        // Leads whose cached log is exactly the stream before this append need no reload: the new facts merge in.
        Map<String, LeadLog> facts = new HashMap<>();
        Map<String, LeadFactsCache.Entry> hits = new HashMap<>();
        List<String> misses = new ArrayList<>();
        for (String leadId : leadIds) {
            String key = EventStore.streamKey(tenant, leadId);
            LeadFactsCache.Entry cached = cache.get(key);
            Long before = appended.versionBefore().get(key);
            if (cached != null && before != null && cached.version() == before) {
                facts.put(leadId, cached.log().plus(newFacts.get(leadId)));
                hits.put(leadId, cached);
            } else {
                misses.add(leadId);
            }
        }
        Uni<Void> loaded = misses.isEmpty()
                ? Uni.createFrom().voidItem()
                : store.loadFacts(conn, tenant, misses, null).invoke(facts::putAll).replaceWithVoid();
        return loaded.chain(() -> registry.activeModels(tenant)).chain(models -> {
            for (String leadId : leadIds) {
                String key = EventStore.streamKey(tenant, leadId);
                Long after = appended.versionAfter().get(key);
                if (after != null) {
                    LeadLog log = facts.getOrDefault(leadId, LeadLog.empty());
                    LeadFactsCache.Entry hit = hits.get(leadId);
                    result.cacheUpdates().put(key, hit == null
                            ? LeadFactsCache.Entry.of(after, log)
                            : hit.grown(after, log, newFacts.get(leadId)));
                }
            }
            if (models.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return store.currentRows(conn, tenant, models, leadIds, true).chain(current -> {
                List<ScoreUpdate.Outcome> outcomes = new ArrayList<>();
                for (String leadId : leadIds) {
                    LeadLog leadFacts = facts.getOrDefault(leadId, LeadLog.empty());
                    Instant newestReceived = newestReceivedByLead.get(leadId);
                    for (ScoringModel model : models) {
                        ScoreUpdate.Row row = current.getOrDefault(leadId, Map.of()).get(model.modelId());
                        ScoreUpdate.Outcome outcome = ScoreUpdate.decide(ScoreUpdate.Trigger.EVENTS, tenant, leadId,
                                model, leadFacts, newFacts.get(leadId), row, now, newestReceived);
                        // Events no rule of a model counts (a page view under a fit model) leave its row as it is:
                        // rewriting it would only move computed_at and cost a row version plus index entries.
                        if (outcome.change() != null || !outcome.row().sameStateAs(row)) {
                            outcomes.add(outcome);
                        }
                    }
                }
                return store.write(conn, outcomes, traceparents).invoke(result.outbox()::addAll)
                        .replaceWithVoid();
            });
        });
    }

    /** Applies the cache updates of a committed transaction. */
    public void committed(Result result) {
        result.cacheUpdates().forEach(cache::put);
    }

    private static Fact toFact(StoredEvent e) {
        return new Fact(e.eventId(), e.type(), e.occurredAt(), e.properties(), e.attributes());
    }
}
