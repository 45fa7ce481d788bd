package io.leadscore.scoring.projection;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.scoring.engine.LeadLog;
import io.leadscore.scoring.eventstore.EventStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A lead's whole log for reads (scores at an instant, explanations), served from the facts cache when the cached log
 * is exactly the stream's current version, and loaded from the event store otherwise. The version check is one
 * primary-key read, far cheaper than decoding thousands of events.
 */
@ApplicationScoped
public class LeadFactsReader {

    private final ProjectionStore store;
    private final LeadFactsCache cache;

    public LeadFactsReader(ProjectionStore store, LeadFactsCache cache) {
        this.store = store;
        this.cache = cache;
    }

    public Uni<LeadLog> facts(SqlClient client, String tenant, String leadId) {
        String key = EventStore.streamKey(tenant, leadId);
        return client.preparedQuery("SELECT version FROM lead_stream WHERE tenant = $1 AND lead_id = $2")
                .execute(Tuple.of(tenant, leadId))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(LeadLog.empty());
                    }
                    long version = rows.iterator().next().getLong(0);
                    LeadFactsCache.Entry cached = cache.get(key);
                    if (cached != null && cached.version() == version) {
                        return Uni.createFrom().item(cached.log());
                    }
                    return store.loadFacts(client, tenant, List.of(leadId)).map(byLead -> {
                        LeadLog log = byLead.getOrDefault(leadId, LeadLog.empty());
                        // Sequence numbers have no gaps and event ids are unique, so a stream's version is its number
                        // of events: a log of that size is exactly that version (an append in between makes it longer).
                        if (log.size() == version) {
                            cache.put(key, LeadFactsCache.Entry.of(version, log));
                        }
                        return log;
                    });
                });
    }
}
