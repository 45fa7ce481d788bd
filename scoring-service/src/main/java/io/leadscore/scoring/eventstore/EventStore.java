package io.leadscore.scoring.eventstore;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Appends facts to per-lead streams in PostgreSQL. A whole poll batch is one transaction of a handful of set-based
 * statements, whatever the number of leads: read the batch's streams' versions, drop event ids already stored, insert the rest
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
        // Sorted by stream, so concurrent appenders (two replicas during a rebalance) insert events and move stream
        // versions, which takes row locks, in the same order; a deadlock PostgreSQL still breaks fails one batch,
        // which is retried like any failed batch.
        Map<String, List<StoredEvent>> byStream = new TreeMap<>();
        for (StoredEvent e : batch) {
            byStream.computeIfAbsent(streamKey(e.tenant(), e.leadId()), k -> new ArrayList<>()).add(e);
        }
        List<String> sortedStreams = new ArrayList<>(byStream.keySet());
        String[] streamTenants = new String[sortedStreams.size()];
        String[] streamLeads = new String[sortedStreams.size()];
        for (int i = 0; i < sortedStreams.size(); i++) {
            StoredEvent first = byStream.get(sortedStreams.get(i)).get(0);
            streamTenants[i] = first.tenant();
            streamLeads[i] = first.leadId();
        }
        String[] eventTenants = batch.stream().map(StoredEvent::tenant).toArray(String[]::new);
        String[] eventIds = batch.stream().map(StoredEvent::eventId).toArray(String[]::new);

        // One statement creates missing streams and reads every stream's version, without locking: the append below
        // moves a version only from the version read here, and (tenant, lead_id, seq) is unique, so an appender that
        // raced this one makes the append fail and the batch retry instead of interleaving. Not rewriting each stream
        // row just to lock it saves a row version per lead per batch. The inserted rows are invisible to the second
        // SELECT (one snapshot per statement), so each stream is returned once; a stream another transaction created
        // meanwhile is returned by neither, and the batch retries.
        return conn.preparedQuery("WITH wanted AS (SELECT t, l FROM unnest($1::text[], $2::text[]) AS s(t, l)), "
                + "created AS (INSERT INTO lead_stream (tenant, lead_id, version) SELECT t, l, 0 FROM wanted "
                + "ON CONFLICT (tenant, lead_id) DO NOTHING RETURNING tenant, lead_id, version) "
                + "SELECT tenant, lead_id, version FROM created UNION ALL "
                + "SELECT s.tenant, s.lead_id, s.version FROM lead_stream s JOIN wanted w ON s.tenant = w.t "
                + "AND s.lead_id = w.l")
                .execute(Tuple.of(streamTenants, streamLeads))
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
        List<Long> seqs = new ArrayList<>();
        List<String> moveTenants = new ArrayList<>();
        List<String> moveLeads = new ArrayList<>();
        List<Long> from = new ArrayList<>();
        List<Long> to = new ArrayList<>();
        Map<String, Long> before = new HashMap<>();
        Map<String, Long> after = new HashMap<>();
        for (List<StoredEvent> events : byStream.values()) {
            StoredEvent first = events.get(0);
            Long read = versions.get(streamKey(first.tenant(), first.leadId()));
            if (read == null) {
                return Uni.createFrom().failure(new ConcurrentAppendException(1));
            }
            long expected = read;
            long seq = expected;
            for (StoredEvent e : events) {
                if (seen.add(streamKey(e.tenant(), e.eventId()))) {
                    seq++;
                    fresh.add(e);
                    seqs.add(seq);
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
        if (fresh.isEmpty()) {
            return Uni.createFrom().item(Appended.NOTHING);
        }
        int n = fresh.size();
        String[] tenants = new String[n];
        String[] leads = new String[n];
        String[] ids = new String[n];
        String[] types = new String[n];
        OffsetDateTime[] occurred = new OffsetDateTime[n];
        OffsetDateTime[] received = new OffsetDateTime[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            StoredEvent e = fresh.get(i);
            tenants[i] = e.tenant();
            leads[i] = e.leadId();
            ids[i] = e.eventId();
            types[i] = e.type();
            occurred[i] = e.occurredAt().atOffset(ZoneOffset.UTC);
            received[i] = e.receivedAt().atOffset(ZoneOffset.UTC);
            payloads[i] = e.payload();
        }
        int streams = moveTenants.size();
        // The events and the streams' new versions in one statement; the versions move only from the version read
        // above, and the count of streams moved tells whether another appender got there first.
        return conn.preparedQuery("WITH appended AS (INSERT INTO lead_event (tenant, lead_id, seq, event_id, type, "
                + "occurred_at, received_at, payload) SELECT t, l, s, e, ty, o, r, p FROM unnest($1::text[], "
                + "$2::text[], $3::bigint[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[]) "
                + "AS u(t, l, s, e, ty, o, r, p)), "
                + "moved AS (UPDATE lead_stream s SET version = u.next FROM unnest($9::text[], $10::text[], "
                + "$11::bigint[], $12::bigint[]) AS u(t, l, expected, next) "
                + "WHERE s.tenant = u.t AND s.lead_id = u.l AND s.version = u.expected RETURNING 1) "
                + "SELECT count(*) FROM moved")
                .execute(Tuple.from(List.of(tenants, leads, seqs.toArray(Long[]::new), ids, types, occurred, received,
                        payloads, moveTenants.toArray(String[]::new), moveLeads.toArray(String[]::new),
                        from.toArray(Long[]::new), to.toArray(Long[]::new))))
                .map(rows -> {
                    long moved = rows.iterator().next().getLong(0);
                    if (moved != streams) {
                        throw new ConcurrentAppendException((int) (streams - moved));
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
