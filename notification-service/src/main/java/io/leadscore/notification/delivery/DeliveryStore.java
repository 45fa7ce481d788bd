package io.leadscore.notification.delivery;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.notification.domain.Alert;
import io.leadscore.notification.domain.AttemptDecision;
import io.leadscore.notification.domain.Channel;
import io.leadscore.notification.domain.SendResult;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The {@code alert}, {@code delivery} and {@code delivery_attempt} tables. */
@ApplicationScoped
public class DeliveryStore {

    private final PgPool pool;

    public DeliveryStore(PgPool pool) {
        this.pool = pool;
    }

    /** A stored alert: its row id, the alert itself. */
    public record InsertedAlert(long id, Alert alert) {
    }

    /**
     * Inserts the alerts; those already recorded (a redelivered message) are skipped and not returned, so nothing
     * downstream of them happens again.
     */
    public Uni<List<InsertedAlert>> insertAlerts(SqlClient client, List<Alert> alerts, Instant now) {
        if (alerts.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Tuple> tuples = new ArrayList<>();
        for (Alert a : alerts) {
            tuples.add(Tuple.tuple().addString(a.tenant()).addString(a.sourceId()).addString(a.repId())
                    .addString(a.leadId()).addString(a.kind().wire()).addValue(new JsonObject(json(a)))
                    .addValue(utc(now)).addValue(a.sourceReceivedAt() == null ? null : utc(a.sourceReceivedAt())));
        }
        return client.preparedQuery("INSERT INTO alert (tenant, source_id, rep_id, lead_id, kind, body, created_at, "
                + "source_received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                + "ON CONFLICT (tenant, source_id, rep_id) DO NOTHING RETURNING id")
                .executeBatch(tuples)
                .map(first -> {
                    List<InsertedAlert> inserted = new ArrayList<>();
                    RowSet<Row> rows = first;
                    for (Alert a : alerts) {
                        if (rows.size() > 0) {
                            inserted.add(new InsertedAlert(rows.iterator().next().getLong("id"), a));
                        }
                        rows = rows.next();
                    }
                    return inserted;
                });
    }

    /**
     * Inserts deliveries (the unique idempotency key skips any that exist); returns the leases of those to send right
     * away.
     */
    public Uni<List<Lease>> insertDeliveries(SqlClient client, List<NewDelivery> deliveries, Instant now) {
        if (deliveries.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Tuple> tuples = new ArrayList<>();
        for (NewDelivery d : deliveries) {
            Alert a = d.alert();
            tuples.add(Tuple.tuple().addString(a.tenant()).addString(a.idempotencyKey(d.channel()))
                    .addLong(d.alertId()).addString(a.leadId()).addString(a.repId()).addString(a.kind().wire())
                    .addString(d.channel().wire()).addString(d.reason()).addValue(utc(d.nextAttemptAt()))
                    .addValue(d.lockedUntil() == null ? null : utc(d.lockedUntil())).addValue(utc(now))
                    .addString(d.traceparent()));
        }
        return client.preparedQuery("INSERT INTO delivery (tenant, idempotency_key, alert_id, lead_id, rep_id, kind, "
                + "channel, status, reason, next_attempt_at, locked_until, created_at, updated_at, traceparent) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10, $11, $11, $12) "
                + "ON CONFLICT (tenant, idempotency_key) DO NOTHING RETURNING id, locked_until")
                .executeBatch(tuples)
                .map(first -> {
                    List<Lease> sendNow = new ArrayList<>();
                    for (RowSet<Row> rows = first; rows != null; rows = rows.next()) {
                        sendNow.addAll(leases(rows));
                    }
                    return sendNow;
                });
    }

    /**
     * What one {@link #claimDue} leased, and the last tenant it reached (null when it reached the last tenant with due
     * deliveries): the next round starts after that tenant.
     */
    public record DueClaim(List<Lease> leases, String lastTenant) {
    }

    /**
     * Leases due pending deliveries whose lease is free (never taken, or run out because a replica died mid-send): it
     * walks the tenants with due deliveries in name order after {@code afterTenant}, at most {@code batch} of them, and
     * takes each one's oldest, at most {@code perTenant} per tenant and {@code batch} in all, interleaved (every tenant's
     * oldest first). So one tenant's backlog cannot hide another's deliveries, and past {@code batch} tenants the next
     * round goes on where this one stopped. {@code FOR UPDATE SKIP LOCKED} lets replicas claim side by side without
     * taking the same row.
     */
    public Uni<DueClaim> claimDue(Instant now, Instant leaseUntil, int batch, int perTenant, String afterTenant) {
        return pool.preparedQuery("WITH RECURSIVE tenants(tenant, n) AS ("
                + "SELECT (SELECT min(tenant) FROM delivery WHERE status = 'pending' AND next_attempt_at <= $1 "
                + "AND tenant > $5), 1 "
                + "UNION ALL SELECT (SELECT min(d.tenant) FROM delivery d WHERE d.status = 'pending' "
                + "AND d.next_attempt_at <= $1 AND d.tenant > t.tenant), t.n + 1 FROM tenants t "
                + "WHERE t.tenant IS NOT NULL AND t.n < $3), "
                + "due AS (SELECT d.id, d.tenant, d.next_attempt_at, row_number() OVER (PARTITION BY d.tenant "
                + "ORDER BY d.next_attempt_at) AS rn FROM tenants t CROSS JOIN LATERAL (SELECT id, tenant, "
                + "next_attempt_at FROM delivery WHERE tenant = t.tenant AND status = 'pending' AND next_attempt_at <= $1 "
                + "AND (locked_until IS NULL OR locked_until < $1) ORDER BY next_attempt_at LIMIT $4 "
                + "FOR UPDATE SKIP LOCKED) d WHERE t.tenant IS NOT NULL), "
                + "picked AS (SELECT id FROM due ORDER BY rn, next_attempt_at LIMIT $3) "
                + "UPDATE delivery d SET locked_until = $2, updated_at = $1 FROM picked WHERE d.id = picked.id "
                + "RETURNING d.id, d.locked_until, (SELECT max(tenant) FROM tenants WHERE n = $3) AS last_tenant")
                .execute(Tuple.of(utc(now), utc(leaseUntil), batch, perTenant, afterTenant == null ? "" : afterTenant))
                .map(rows -> {
                    String last = null;
                    for (Row r : rows) {
                        last = r.getString("last_tenant");
                    }
                    return new DueClaim(leases(rows), last);
                });
    }

    /** The leases among returned {@code id, locked_until} rows (rows without a lease, held for later, are not sent). */
    private static List<Lease> leases(RowSet<Row> rows) {
        List<Lease> leases = new ArrayList<>();
        for (Row r : rows) {
            OffsetDateTime until = r.getOffsetDateTime("locked_until");
            if (until != null) {
                leases.add(new Lease(r.getLong("id"), until.toInstant()));
            }
        }
        return leases;
    }

    /**
     * Deliveries not sent yet: those due now (including any a replica is sending under its lease), those waiting for a
     * retry's back-off or the end of quiet hours, and when the oldest due one fell due. Read off the pending rows' index.
     */
    public Uni<Backlog> backlog(Instant now) {
        return pool.preparedQuery("SELECT count(*) FILTER (WHERE next_attempt_at <= $1) AS due, "
                + "count(*) FILTER (WHERE next_attempt_at > $1) AS waiting, "
                + "min(next_attempt_at) FILTER (WHERE next_attempt_at <= $1) AS oldest_due FROM delivery "
                + "WHERE status = 'pending'")
                .execute(Tuple.of(utc(now)))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    OffsetDateTime oldest = r.getOffsetDateTime("oldest_due");
                    return new Backlog(r.getLong("due"), r.getLong("waiting"), oldest == null ? null : oldest.toInstant());
                });
    }

    /** @param oldestDue null when nothing is due */
    public record Backlog(long due, long waiting, Instant oldestDue) {
    }

    /** Leases one delivery if it is due and free; empty when another replica (or the worker) already took it. */
    public Uni<List<Lease>> claimOne(long id, Instant now, Instant leaseUntil) {
        return pool.preparedQuery("UPDATE delivery SET locked_until = $3, updated_at = $2 WHERE id = $1 "
                + "AND status = 'pending' AND next_attempt_at <= $2 AND (locked_until IS NULL OR locked_until < $2) "
                + "RETURNING id, locked_until")
                .execute(Tuple.of(id, utc(now), utc(leaseUntil)))
                .map(DeliveryStore::leases);
    }

    /**
     * The leased deliveries still pending under exactly these leases, which have not run out at {@code now}. A lease
     * that ran out (a commit or a queue that took longer than the lease) may already have been taken by another
     * replica's worker; its delivery is left to that holder.
     */
    public Uni<List<ClaimedDelivery>> load(List<Lease> leases, Instant now) {
        return pool.preparedQuery("SELECT d.*, a.body FROM delivery d JOIN alert a ON a.id = d.alert_id "
                + "JOIN unnest($1::bigint[], $2::timestamptz[]) AS lease(id, until) "
                + "ON lease.id = d.id AND lease.until = d.locked_until "
                + "WHERE d.status = 'pending' AND d.locked_until > $3 ORDER BY d.id")
                .execute(Tuple.of(leases.stream().map(Lease::deliveryId).toArray(Long[]::new),
                        leases.stream().map(l -> utc(l.until())).toArray(OffsetDateTime[]::new), utc(now)))
                .map(rows -> {
                    List<ClaimedDelivery> result = new ArrayList<>();
                    for (Row r : rows) {
                        result.add(new ClaimedDelivery(r.getLong("id"), r.getString("tenant"),
                                r.getString("idempotency_key"), r.getLong("alert_id"), r.getString("rep_id"),
                                Channel.parse(r.getString("channel")), r.getInteger("attempts"),
                                r.getBoolean("quota_counted"), r.getOffsetDateTime("created_at").toInstant(),
                                alert(r.getJsonObject("body")), r.getString("traceparent")));
                    }
                    return result;
                });
    }

    /** Gives the lease back without an attempt: sent later (quiet hours, a busy tenant, an open breaker). */
    public Uni<Void> reschedule(long id, Instant at, String reason, Instant now) {
        return pool.preparedQuery("UPDATE delivery SET next_attempt_at = $2, locked_until = NULL, "
                + "reason = COALESCE($3, reason), updated_at = $4 WHERE id = $1 AND status = 'pending'")
                .execute(Tuple.of(id, utc(at), reason, utc(now))).replaceWithVoid();
    }

    /** Ends a delivery without calling any provider (the rep removed the channel, the quota is used up). */
    public Uni<Void> fail(long id, String reason, Instant now) {
        return pool.preparedQuery("UPDATE delivery SET status = 'failed', reason = $2, locked_until = NULL, "
                + "updated_at = $3 WHERE id = $1 AND status = 'pending'")
                .execute(Tuple.of(id, reason, utc(now))).replaceWithVoid();
    }

    /** Records one provider call and what follows from it, atomically. */
    public Uni<Void> record(long id, AttemptDecision decision, SendResult result, Instant at, long durationMs) {
        return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO delivery_attempt (delivery_id, attempt, "
                + "at, outcome, response, duration_ms) VALUES ($1, $2, $3, $4, $5, $6)")
                .execute(Tuple.of(id, decision.attempt(), utc(at), decision.outcome(), result.response(),
                        (int) Math.min(Integer.MAX_VALUE, durationMs)))
                .chain(() -> conn.preparedQuery("UPDATE delivery SET attempts = $2, status = $3, reason = $4, "
                        + "next_attempt_at = COALESCE($5, next_attempt_at), locked_until = NULL, updated_at = $6, "
                        + "delivered_at = $7 WHERE id = $1")
                        .execute(Tuple.tuple().addLong(id).addInteger(decision.attempt())
                                .addString(decision.status().wire()).addString(decision.reason())
                                .addValue(decision.nextAttemptAt() == null ? null : utc(decision.nextAttemptAt()))
                                .addValue(utc(at))
                                .addValue(decision.status().wire().equals("delivered") ? utc(at) : null))))
                .replaceWithVoid();
    }

    /**
     * Counts a delivery against its tenant's daily quota (once per delivery, whatever the retries). False when the
     * quota is used up.
     */
    public Uni<Boolean> countQuota(long id, String tenant, Channel channel, LocalDate day, int cap) {
        if (cap <= 0) {
            return Uni.createFrom().item(false);
        }
        // One statement, so one implicit transaction: the tenant's counter row stays locked only while the statement
        // runs. As a BEGIN / upsert / update / COMMIT transaction it stayed locked across two round trips through a
        // busy event loop, and every concurrent delivery of the tenant queued behind it: 492 ms per count on average
        // during the demo (pg_stat_statements), each wait also holding a pool connection.
        return pool.preparedQuery("WITH counted AS (INSERT INTO quota_usage (tenant, channel, day, used) "
                + "VALUES ($1, $2, $3, 1) ON CONFLICT (tenant, channel, day) DO UPDATE SET used = quota_usage.used + 1 "
                + "WHERE quota_usage.used < $4 RETURNING used), "
                // Runs whether or not the final SELECT reads it (data-modifying WITH parts always run to completion).
                + "marked AS (UPDATE delivery SET quota_counted = true WHERE id = $5 AND EXISTS (SELECT 1 FROM counted)) "
                + "SELECT count(*) FROM counted")
                .execute(Tuple.of(tenant, channel.wire(), day, cap, id))
                .map(rows -> rows.iterator().next().getLong(0) > 0);
    }

    /** The delivery log, newest first, each entry with every attempt. */
    public Uni<List<Map<String, Object>>> log(String tenant, String leadId, String repId, String status, int limit) {
        return pool.preparedQuery("SELECT d.*, COALESCE((SELECT json_agg(json_build_object('attempt', a.attempt, "
                + "'at', a.at, 'outcome', a.outcome, 'response', a.response, 'durationMs', a.duration_ms) "
                + "ORDER BY a.attempt) FROM delivery_attempt a WHERE a.delivery_id = d.id), '[]'::json) AS attempt_list "
                + "FROM delivery d WHERE d.tenant = $1 AND ($2::text IS NULL OR d.lead_id = $2) "
                + "AND ($3::text IS NULL OR d.rep_id = $3) AND ($4::text IS NULL OR d.status = $4) "
                + "ORDER BY d.id DESC LIMIT $5")
                .execute(Tuple.of(tenant, leadId, repId, status, limit))
                .map(rows -> {
                    List<Map<String, Object>> entries = new ArrayList<>();
                    for (Row r : rows) {
                        Map<String, Object> e = new LinkedHashMap<>();
                        e.put("id", r.getLong("id"));
                        e.put("idempotencyKey", r.getString("idempotency_key"));
                        e.put("leadId", r.getString("lead_id"));
                        e.put("repId", r.getString("rep_id"));
                        e.put("kind", r.getString("kind"));
                        e.put("channel", r.getString("channel"));
                        e.put("status", r.getString("status"));
                        e.put("reason", r.getString("reason"));
                        e.put("createdAt", instant(r.getOffsetDateTime("created_at")));
                        e.put("deliveredAt", instant(r.getOffsetDateTime("delivered_at")));
                        e.put("nextAttemptAt", "pending".equals(r.getString("status"))
                                ? instant(r.getOffsetDateTime("next_attempt_at"))
                                : null);
                        List<Map<String, Object>> attempts = new ArrayList<>();
                        Object raw = r.getValue("attempt_list");
                        JsonArray list = raw instanceof JsonArray array ? array : new JsonArray(String.valueOf(raw));
                        for (Object o : list) {
                            JsonObject a = (JsonObject) o;
                            Map<String, Object> attempt = new LinkedHashMap<>();
                            attempt.put("attempt", a.getInteger("attempt"));
                            attempt.put("at", OffsetDateTime.parse(a.getString("at")).toInstant());
                            attempt.put("outcome", a.getString("outcome"));
                            attempt.put("response", a.getString("response"));
                            attempt.put("durationMs", a.getInteger("durationMs"));
                            attempts.add(attempt);
                        }
                        e.put("attempts", attempts);
                        entries.add(e);
                    }
                    return entries;
                });
    }

    /**
     * A rep's alerts recorded after alert {@code afterId}, oldest first: the newest {@code limit} of them, so a stream
     * that reconnects after a long gap gets the latest ones.
     */
    public Uni<List<InsertedAlert>> alertsAfter(String tenant, String repId, long afterId, int limit) {
        return pool.preparedQuery("SELECT id, body FROM (SELECT id, body FROM alert WHERE tenant = $1 AND rep_id = $2 "
                + "AND id > $3 ORDER BY id DESC LIMIT $4) newest ORDER BY id")
                .execute(Tuple.of(tenant, repId, afterId, limit))
                .map(rows -> {
                    List<InsertedAlert> alerts = new ArrayList<>();
                    rows.forEach(r -> alerts.add(new InsertedAlert(r.getLong("id"), alert(r.getJsonObject("body")))));
                    return alerts;
                });
    }

    public Uni<Alert> findAlert(long id) {
        return pool.preparedQuery("SELECT body FROM alert WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : alert(rows.iterator().next().getJsonObject("body")));
    }

    static String json(Alert a) {
        try {
            return ContractsJson.mapper().writeValueAsString(a);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Alert alert(JsonObject body) {
        try {
            return ContractsJson.mapper().readValue(body.encode(), Alert.class);
        } catch (IOException e) {
            throw new IllegalStateException("Unreadable stored alert", e);
        }
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
