package io.leadscore.ingest.imports;

import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.ingest.events.EventProblem;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Import progress rows; every query is scoped by tenant, so one tenant never sees another's imports. */
@ApplicationScoped
public class ImportRepository {

    private final PgPool pool;
    private final ObjectMapper mapper;

    public ImportRepository(PgPool pool, ObjectMapper mapper) {
        this.pool = pool;
        this.mapper = mapper;
    }

    public Uni<Void> save(String tenant, ImportStatus s) {
        String errors;
        try {
            errors = mapper.writeValueAsString(s.errors());
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return pool.preparedQuery("INSERT INTO event_import (id, tenant, status, started_at, updated_at, finished_at, "
                + "lines, accepted, duplicates, rejected, errors) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
                + "ON CONFLICT (id) DO UPDATE SET status = $3, updated_at = $5, finished_at = $6, lines = $7, "
                + "accepted = $8, duplicates = $9, rejected = $10, errors = $11 WHERE event_import.tenant = $2")
                .execute(Tuple.tuple()
                        .addString(s.importId()).addString(tenant).addString(s.status())
                        .addOffsetDateTime(s.startedAt().atOffset(ZoneOffset.UTC))
                        .addOffsetDateTime(s.updatedAt().atOffset(ZoneOffset.UTC))
                        .addOffsetDateTime(s.finishedAt() == null ? null : s.finishedAt().atOffset(ZoneOffset.UTC))
                        .addLong(s.lines()).addLong(s.accepted()).addLong(s.duplicates()).addLong(s.rejected())
                        .addValue(new JsonArray(errors)))
                .replaceWithVoid();
    }

    public Uni<Boolean> exists(String importId) {
        return pool.preparedQuery("SELECT 1 FROM event_import WHERE id = $1").execute(Tuple.of(importId))
                .map(rows -> rows.size() > 0);
    }

    public Uni<Optional<ImportStatus>> find(String tenant, String importId) {
        return pool.preparedQuery("SELECT * FROM event_import WHERE tenant = $1 AND id = $2")
                .execute(Tuple.of(tenant, importId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toStatus(rows.iterator().next())));
    }

    public Uni<List<ImportStatus>> recent(String tenant, int limit) {
        return pool.preparedQuery("SELECT * FROM event_import WHERE tenant = $1 ORDER BY started_at DESC LIMIT $2")
                .execute(Tuple.of(tenant, limit))
                .map(rows -> {
                    List<ImportStatus> result = new java.util.ArrayList<>();
                    rows.forEach(r -> result.add(toStatus(r)));
                    return result;
                });
    }

    private ImportStatus toStatus(Row r) {
        List<EventProblem> errors;
        try {
            errors = mapper.readValue(r.getJsonArray("errors").encode(), new TypeReference<List<EventProblem>>() {
            });
        } catch (JsonProcessingException e) {
            errors = List.of();
        }
        var finished = r.getOffsetDateTime("finished_at");
        return new ImportStatus(r.getString("id"), r.getString("status"), r.getOffsetDateTime("started_at").toInstant(),
                r.getOffsetDateTime("updated_at").toInstant(), finished == null ? null : finished.toInstant(),
                r.getLong("lines"), r.getLong("accepted"), r.getLong("duplicates"), r.getLong("rejected"), errors);
    }
}
