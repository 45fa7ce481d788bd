package io.leadscore.scoring.eventstore;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Appends facts to per-lead streams in PostgreSQL. A whole batch is one transaction; each lead's stream is appended with
 * an expected version, so two replicas racing on one lead (during a rebalance) cannot interleave sequence numbers.
 */
@ApplicationScoped
public class EventStore {

    /**
     * Appends every new event of the batch within the caller's transaction; returns the events that were new
     * (duplicates by event id are skipped).
     */
    public Uni<List<StoredEvent>> append(SqlConnection conn, List<StoredEvent> batch) {
        if (batch.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Map<String, List<StoredEvent>> byLead = new LinkedHashMap<>();
        for (StoredEvent e : batch) {
            byLead.computeIfAbsent(e.tenant() + '\u0000' + e.leadId(), k -> new ArrayList<>()).add(e);
        }
        List<StoredEvent> appended = new ArrayList<>();
        return Multi.createFrom().iterable(byLead.values())
                .onItem().transformToUniAndConcatenate(events -> appendToStream(conn, events))
                .invoke(appended::addAll)
                .collect().last()
                .map(ignored -> appended);
    }

    private Uni<List<StoredEvent>> appendToStream(SqlConnection conn, List<StoredEvent> events) {
        String tenant = events.get(0).tenant();
        String leadId = events.get(0).leadId();
        return conn.preparedQuery("INSERT INTO lead_stream (tenant, lead_id, version) VALUES ($1, $2, 0) "
                + "ON CONFLICT DO NOTHING").execute(Tuple.of(tenant, leadId))
                .chain(() -> conn.preparedQuery("SELECT version FROM lead_stream WHERE tenant = $1 AND lead_id = $2 FOR UPDATE")
                        .execute(Tuple.of(tenant, leadId)))
                .map(rows -> rows.iterator().next().getLong("version"))
                .chain(version -> existingIds(conn, tenant, events).chain(existing -> {
                    List<Tuple> rows = new ArrayList<>();
                    List<StoredEvent> fresh = new ArrayList<>();
                    Set<String> seen = new HashSet<>(existing);
                    long seq = version;
                    for (StoredEvent e : events) {
                        if (seen.add(e.eventId())) {
                            seq++;
                            fresh.add(e);
                            rows.add(Tuple.from(List.of(tenant, leadId, seq, e.eventId(), e.type(),
                                    e.occurredAt().atOffset(ZoneOffset.UTC), e.receivedAt().atOffset(ZoneOffset.UTC),
                                    new JsonObject(e.payload()))));
                        }
                    }
                    if (rows.isEmpty()) {
                        return Uni.createFrom().item(List.<StoredEvent>of());
                    }
                    long newVersion = seq;
                    return conn.preparedQuery("INSERT INTO lead_event (tenant, lead_id, seq, event_id, type, occurred_at, "
                            + "received_at, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)").executeBatch(rows)
                            .chain(() -> conn.preparedQuery("UPDATE lead_stream SET version = $3 "
                                    + "WHERE tenant = $1 AND lead_id = $2 AND version = $4")
                                    .execute(Tuple.of(tenant, leadId, newVersion, version)))
                            .map(updated -> {
                                if (updated.rowCount() != 1) {
                                    throw new ConcurrentAppendException(tenant, leadId, version);
                                }
                                return fresh;
                            });
                }));
    }

    private Uni<Set<String>> existingIds(SqlConnection conn, String tenant, List<StoredEvent> events) {
        String[] ids = events.stream().map(StoredEvent::eventId).toArray(String[]::new);
        return conn.preparedQuery("SELECT event_id FROM lead_event WHERE tenant = $1 AND event_id = ANY($2)")
                .execute(Tuple.of(tenant, ids))
                .map(rows -> {
                    Set<String> found = new HashSet<>();
                    for (Row row : rows) {
                        found.add(row.getString(0));
                    }
                    return found;
                });
    }

    /** The stream moved between reading its version and writing: the batch is retried as a whole. */
    public static class ConcurrentAppendException extends RuntimeException {
        public ConcurrentAppendException(String tenant, String leadId, long expected) {
            super("Stream " + tenant + "/" + leadId + " is no longer at version " + expected);
        }
    }
}
