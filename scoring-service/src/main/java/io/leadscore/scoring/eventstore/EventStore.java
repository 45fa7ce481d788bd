package io.leadscore.scoring.eventstore;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Appends facts to per-lead streams in PostgreSQL. A whole poll batch is one transaction of a handful of set-based
 * statements, whatever the number of leads: lock the batch's streams, drop event ids already stored, insert the rest
 * with consecutive sequence numbers, and move each stream's version forward only from the version that was read
 * (expected-version append), so two replicas racing on one lead during a rebalance cannot interleave.
 */
@ApplicationScoped
public class EventStore {

    /**
     * What an append did: the events that were new, and for each stream that grew its version before and after (so
     * a cache of a lead's facts can tell whether it is still complete).
     */
    public record Appended(List<StoredEvent> fresh, Map<String, Long> versionBefore, Map<String, Long> versionAfter) {
        static final Appended NOTHING = new Appended(List.of(), Map.of(), Map.of());
    }

    /** Appends the new events of the batch within the caller's transaction. */
    public Uni<Appended> append(SqlConnection conn, List<StoredEvent> batch) {
        if (batch.isEmpty()) {
            return Uni.createFrom().item(Appended.NOTHING);
        }
        Map<String, List<StoredEvent>> byStream = new LinkedHashMap<>();
        for (StoredEvent e : batch) {
            byStream.computeIfAbsent(streamKey(e.tenant(), e.leadId()), k -> new ArrayList<>()).add(e);
        }
        String[] streamTenants = new String[byStream.size()];
        String[] streamLeads = new String[byStream.size()];
        int i = 0;
        for (List<StoredEvent> events : byStream.values()) {
            streamTenants[i] = events.get(0).tenant();
            streamLeads[i++] = events.get(0).leadId();
        }
        String[] eventTenants = batch.stream().map(StoredEvent::tenant).toArray(String[]::new);
        String[] eventIds = batch.stream().map(StoredEvent::eventId).toArray(String[]::new);

        return conn.preparedQuery("INSERT INTO lead_stream (tenant, lead_id, version) "
                + "SELECT t, l, 0 FROM unnest($1::text[], $2::text[]) AS s(t, l) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(streamTenants, streamLeads))
                // Lock in a fixed order so concurrent appenders cannot deadlock.
                .chain(() -> conn.preparedQuery("SELECT tenant, lead_id, version FROM lead_stream "
                        + "WHERE (tenant, lead_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) "
                        + "ORDER BY tenant, lead_id FOR UPDATE").execute(Tuple.of(streamTenants, streamLeads)))
                .chain(versions -> conn.preparedQuery("SELECT tenant, event_id FROM lead_event "
                        + "WHERE (tenant, event_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))")
                        .execute(Tuple.of(eventTenants, eventIds))
                        .chain(existing -> insert(conn, byStream, versions, existing)));
    }

    private Uni<Appended> insert(SqlConnection conn, Map<String, List<StoredEvent>> byStream,
            Iterable<Row> versionRows, Iterable<Row> existingRows) {
        Map<String, Long> versions = new HashMap<>();
        for (Row r : versionRows) {
            versions.put(streamKey(r.getString(0), r.getString(1)), r.getLong(2));
        }
        Set<String> seen = new HashSet<>();
        for (Row r : existingRows) {
            seen.add(streamKey(r.getString(0), r.getString(1)));
        }
        List<StoredEvent> fresh = new ArrayList<>();
        List<Tuple> rows = new ArrayList<>();
        List<String> moveTenants = new ArrayList<>();
        List<String> moveLeads = new ArrayList<>();
        List<Long> from = new ArrayList<>();
        List<Long> to = new ArrayList<>();
        Map<String, Long> before = new HashMap<>();
        Map<String, Long> after = new HashMap<>();
        for (List<StoredEvent> events : byStream.values()) {
            StoredEvent first = events.get(0);
            long expected = versions.get(streamKey(first.tenant(), first.leadId()));
            long seq = expected;
            for (StoredEvent e : events) {
                if (seen.add(streamKey(e.tenant(), e.eventId()))) {
                    seq++;
                    fresh.add(e);
                    rows.add(Tuple.from(List.of(e.tenant(), e.leadId(), seq, e.eventId(), e.type(),
                            e.occurredAt().atOffset(ZoneOffset.UTC), e.receivedAt().atOffset(ZoneOffset.UTC),
                            new JsonObject(e.payload()))));
                }
            }
            if (seq != expected) {
                before.put(streamKey(first.tenant(), first.leadId()), expected);
                after.put(streamKey(first.tenant(), first.leadId()), seq);
                moveTenants.add(first.tenant());
                moveLeads.add(first.leadId());
                from.add(expected);
                to.add(seq);
            }
        }
        if (rows.isEmpty()) {
            return Uni.createFrom().item(Appended.NOTHING);
        }
        int streams = moveTenants.size();
        return conn.preparedQuery("INSERT INTO lead_event (tenant, lead_id, seq, event_id, type, occurred_at, "
                + "received_at, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)").executeBatch(rows)
                .chain(() -> conn.preparedQuery("UPDATE lead_stream s SET version = u.next FROM unnest($1::text[], "
                        + "$2::text[], $3::bigint[], $4::bigint[]) AS u(t, l, expected, next) "
                        + "WHERE s.tenant = u.t AND s.lead_id = u.l AND s.version = u.expected")
                        .execute(Tuple.of(moveTenants.toArray(String[]::new), moveLeads.toArray(String[]::new),
                                from.toArray(Long[]::new), to.toArray(Long[]::new))))
                .map(updated -> {
                    if (updated.rowCount() != streams) {
                        throw new ConcurrentAppendException(streams - updated.rowCount());
                    }
                    return new Appended(fresh, before, after);
                });
    }

    public static String streamKey(String tenant, String id) {
        return tenant + '\u0000' + id;
    }

    /** Some streams moved between reading their versions and writing: the batch is rolled back and retried whole. */
    public static class ConcurrentAppendException extends RuntimeException {
        public ConcurrentAppendException(int streams) {
            super(streams + " lead stream(s) were appended to concurrently; retrying the batch");
        }
    }
}
