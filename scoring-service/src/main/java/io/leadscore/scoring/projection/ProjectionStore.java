package io.leadscore.scoring.projection;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.contracts.ScoreChanged;
import io.leadscore.scoring.engine.Fact;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Reads and writes the scoring projections (lead_score, score_history, the outbox) and loads facts from the event
 * store, always in batches: one statement per kind of write per call, whatever the number of leads.
 */
@ApplicationScoped
public class ProjectionStore {

    private final ObjectMapper mapper;

    public ProjectionStore(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Every fact of the given leads of one tenant, with when each was received. */
    public Uni<Map<String, List<Fact>>> loadFacts(SqlClient client, String tenant, Collection<String> leadIds,
            Map<String, Instant> receivedAtOut) {
        // Only the parts scoring reads: the database skips the rest of each envelope instead of shipping it.
        return client.preparedQuery("SELECT lead_id, event_id, type, occurred_at, received_at, "
                + "payload->'properties' AS properties, payload->'attributes' AS attributes FROM lead_event "
                + "WHERE tenant = $1 AND lead_id = ANY($2)")
                .execute(Tuple.of(tenant, leadIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, List<Fact>> byLead = new HashMap<>();
                    for (Row r : rows) {
                        byLead.computeIfAbsent(r.getString("lead_id"), k -> new ArrayList<>()).add(new Fact(
                                r.getString("event_id"), r.getString("type"), r.getOffsetDateTime("occurred_at").toInstant(),
                                map(jsonObject(r, "properties")), nullableMap(jsonObject(r, "attributes"))));
                        if (receivedAtOut != null) {
                            receivedAtOut.put(r.getString("event_id"), r.getOffsetDateTime("received_at").toInstant());
                        }
                    }
                    return byLead;
                });
    }

    private static JsonObject jsonObject(Row row, String column) {
        Object value = row.getValue(column);
        return value instanceof JsonObject json ? json : null;
    }

    private static Map<String, Object> map(JsonObject json) {
        return json == null ? Map.of() : plain(json);
    }

    private static Map<String, Object> nullableMap(JsonObject json) {
        return json == null ? null : plain(json);
    }

    /** Vert.x JSON to plain maps and lists, as the engine expects (null values kept: they remove attributes). */
    private static Map<String, Object> plain(JsonObject json) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (String key : json.fieldNames()) {
            Object v = json.getValue(key);
            if (v instanceof io.vertx.core.json.JsonArray array) {
                result.put(key, array.getList());
            } else {
                result.put(key, v);
            }
        }
        return result;
    }

    /** The stored rows of these leads under every model, keyed by leadId then modelId; locked for this transaction. */
    public Uni<Map<String, Map<String, ScoreUpdate.Row>>> currentRows(SqlClient client, String tenant,
            Collection<String> leadIds, boolean lock) {
        return client.preparedQuery("SELECT * FROM lead_score WHERE tenant = $1 AND lead_id = ANY($2)"
                + (lock ? " FOR UPDATE" : ""))
                .execute(Tuple.of(tenant, leadIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Map<String, ScoreUpdate.Row>> result = new HashMap<>();
                    for (Row r : rows) {
                        ScoreUpdate.Row row = toRow(r);
                        result.computeIfAbsent(row.leadId(), k -> new HashMap<>()).put(row.modelId(), row);
                    }
                    return result;
                });
    }

    public static ScoreUpdate.Row toRow(Row r) {
        OffsetDateTime next = r.getOffsetDateTime("next_change_at");
        return new ScoreUpdate.Row(r.getString("tenant"), r.getString("model_id"), r.getString("lead_id"),
                r.getInteger("model_version"), r.getDouble("score"), r.getString("band"),
                r.getOffsetDateTime("computed_at").toInstant(), next == null ? null : next.toInstant());
    }

    /** Writes the outcomes: rows upserted, history and outbox rows for the changes. Returns the outbox ids. */
    public Uni<List<Long>> write(SqlClient client, String table, List<ScoreUpdate.Outcome> outcomes,
            Map<String, String> traceparentByEventId) {
        if (outcomes.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Tuple> rows = new ArrayList<>(outcomes.size());
        List<Tuple> history = new ArrayList<>();
        List<Tuple> outbox = new ArrayList<>();
        for (ScoreUpdate.Outcome o : outcomes) {
            ScoreUpdate.Row r = o.row();
            rows.add(Tuple.tuple().addString(r.tenant()).addString(r.modelId()).addString(r.leadId())
                    .addInteger(r.modelVersion()).addDouble(r.score()).addString(r.band())
                    .addOffsetDateTime(utc(r.computedAt())).addOffsetDateTime(utc(r.nextChangeAt())));
            ScoreChanged c = o.change();
            if (c != null) {
                history.add(Tuple.tuple().addString(c.tenant()).addString(c.leadId()).addString(c.modelId())
                        .addInteger(c.modelVersion()).addDouble(c.previousScore()).addDouble(c.score())
                        .addString(c.previousBand()).addString(c.band()).addString(c.cause().type())
                        .addString(c.cause().eventId()).addOffsetDateTime(utc(c.computedAt())));
                String traceparent = c.cause().eventId() == null ? null : traceparentByEventId.get(c.cause().eventId());
                outbox.add(Tuple.tuple().addString(c.key()).addValue(new JsonObject(json(c))).addString(traceparent));
            }
        }
        Uni<Void> upsert = client.preparedQuery("INSERT INTO " + table + " (tenant, model_id, lead_id, model_version, "
                + "score, band, computed_at, next_change_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                + "ON CONFLICT (tenant, model_id, lead_id) DO UPDATE SET model_version = EXCLUDED.model_version, "
                + "score = EXCLUDED.score, band = EXCLUDED.band, computed_at = EXCLUDED.computed_at, "
                + "next_change_at = EXCLUDED.next_change_at").executeBatch(rows).replaceWithVoid();
        if (history.isEmpty()) {
            return upsert.map(ignored -> List.of());
        }
        return upsert
                .chain(() -> client.preparedQuery("INSERT INTO score_history (tenant, lead_id, model_id, model_version, "
                        + "previous_score, score, previous_band, band, cause_type, cause_event_id, computed_at) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)").executeBatch(history))
                .chain(() -> client.preparedQuery("INSERT INTO score_change_outbox (message_key, payload, traceparent) "
                        + "VALUES ($1, $2, $3) RETURNING id").executeBatch(outbox))
                .map(result -> {
                    List<Long> ids = new ArrayList<>();
                    for (var rs = result; rs != null; rs = rs.next()) {
                        for (Row row : rs) {
                            ids.add(row.getLong(0));
                        }
                    }
                    return ids;
                });
    }

    private String json(ScoreChanged c) {
        try {
            return mapper.writeValueAsString(c);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
