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
    public static final class Result {
        private final List<OutboxMessage> outbox = new ArrayList<>();
        private final Map<String, LeadFactsCache.Entry> cacheUpdates = new HashMap<>();
        private long cacheUpdateBytes;

        public List<OutboxMessage> outbox() {
            return outbox;
        }

        Map<String, LeadFactsCache.Entry> cacheUpdates() {
            return cacheUpdates;
        }

        /**
         * Keeps a lead's new log for the cache, unless the batch already keeps {@code share} bytes of loaded logs: they
         * are held until the commit, and a batch loading more than the cache's share would only have them evicted.
         * A grown cached log always stays (its facts are in memory anyway), or the cache would keep its old version.
         */
        void keepForCache(String key, LeadFactsCache.Entry entry, LeadFactsCache.Entry grownFrom, long share) {
            if (grownFrom != null) {
                cacheUpdates.put(key, entry);
            } else if (cacheUpdateBytes + entry.estimatedBytes() <= share) {
                cacheUpdates.put(key, entry);
                cacheUpdateBytes += entry.estimatedBytes();
            }
        }
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
        Result result = new Result();
        return Multi.createFrom().iterable(byTenant.entrySet())
                .onItem().transformToUniAndConcatenate(entry -> scoreTenant(conn, entry.getKey(), entry.getValue(),
                        appended, now, result))
                .collect().last()
                .map(ignored -> result);
    }

    private Uni<Void> scoreTenant(SqlConnection conn, String tenant, List<StoredEvent> events,
            EventStore.Appended appended, Instant now, Result result) {
        Batch batch = new Batch(tenant, appended);
        for (StoredEvent e : events) {
            batch.leadIds.add(e.leadId());
            batch.newestReceived.merge(e.leadId(), e.receivedAt(), (a, b) -> a.isAfter(b) ? a : b);
            batch.newFacts.computeIfAbsent(e.leadId(), k -> new ArrayList<>()).add(toFact(e));
            if (e.traceparent() != null) {
                batch.traceparents.put(e.eventId(), e.traceparent());
            }
        }
        // Leads whose cached log is exactly the stream before this append need no reload: the new facts merge in.
        for (String leadId : batch.leadIds) {
            String key = EventStore.streamKey(tenant, leadId);
            LeadFactsCache.Entry cached = cache.get(key);
            Long before = appended.versionBefore().get(key);
            if (cached != null && before != null && cached.version() == before) {
                batch.hits.put(leadId, cached);
            }
        }
        // The others' histories are loaded a bounded number of events at a time, each group scored and written before
        // the next is loaded; a group's logs are then dropped unless kept for the cache.
        List<List<String>> groups = LeadGroups.split(batch.leadIds, leadId -> batch.hits.containsKey(leadId)
                ? 0
                : appended.versionBefore().getOrDefault(EventStore.streamKey(tenant, leadId), 0L),
                store.groupEvents());
        return registry.activeModels(conn, tenant).chain(models -> Multi.createFrom().iterable(groups)
                .onItem().transformToUniAndConcatenate(group -> scoreGroup(conn, batch, group, models, now, result))
                .collect().last()
                .replaceWithVoid());
    }

    /** One tenant's part of a poll batch. */
    private static final class Batch {
        final String tenant;
        final EventStore.Appended appended;
        final Set<String> leadIds = new LinkedHashSet<>();
        final Map<String, String> traceparents = new HashMap<>();
        /** When ingest received each lead's newest new event: the start of its event-to-score latency. */
        final Map<String, Instant> newestReceived = new HashMap<>();
        final Map<String, List<Fact>> newFacts = new HashMap<>();
        final Map<String, LeadFactsCache.Entry> hits = new HashMap<>();

        Batch(String tenant, EventStore.Appended appended) {
            this.tenant = tenant;
            this.appended = appended;
        }
    }

    private Uni<Void> scoreGroup(SqlConnection conn, Batch batch, List<String> group, List<ScoringModel> models,
            Instant now, Result result) {
        String tenant = batch.tenant;
        List<String> misses = group.stream().filter(leadId -> !batch.hits.containsKey(leadId)).toList();
        Uni<Map<String, LeadLog>> loaded = misses.isEmpty()
                ? Uni.createFrom().item(Map.of())
                : store.loadFacts(conn, tenant, misses);
        return loaded.chain(loadedLogs -> {
            Map<String, LeadLog> facts = new HashMap<>();
            for (String leadId : group) {
                LeadFactsCache.Entry hit = batch.hits.get(leadId);
                LeadLog log = hit != null
                        ? hit.log().plus(batch.newFacts.get(leadId))
                        : loadedLogs.getOrDefault(leadId, LeadLog.empty());
                facts.put(leadId, log);
                String key = EventStore.streamKey(tenant, leadId);
                Long after = batch.appended.versionAfter().get(key);
                if (after != null) {
                    result.keepForCache(key, hit == null
                            ? LeadFactsCache.Entry.of(after, log)
                            : hit.grown(after, log, batch.newFacts.get(leadId)), hit, cache.batchShare());
                }
            }
            if (models.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return store.currentRows(conn, tenant, models, group, true).chain(current -> {
                List<ScoreUpdate.Outcome> outcomes = new ArrayList<>();
                for (String leadId : group) {
                    LeadLog leadFacts = facts.get(leadId);
                    for (ScoringModel model : models) {
                        ScoreUpdate.Row row = current.getOrDefault(leadId, Map.of()).get(model.modelId());
                        ScoreUpdate.Outcome outcome = ScoreUpdate.decide(ScoreUpdate.Trigger.EVENTS, tenant, leadId,
                                model, leadFacts, batch.newFacts.get(leadId), row, now,
                                batch.newestReceived.get(leadId));
                        // Events no rule of a model counts (a page view under a fit model) leave its row as it is:
                        // rewriting it would only move computed_at and cost a row version plus index entries.
                        if (outcome.change() != null || !outcome.row().sameStateAs(row)) {
                            outcomes.add(outcome);
                        }
                    }
                }
                return store.write(conn, outcomes, batch.traceparents).invoke(result.outbox()::addAll)
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
