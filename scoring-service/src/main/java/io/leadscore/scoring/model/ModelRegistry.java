package io.leadscore.scoring.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.scoring.engine.model.ModelParser;
import io.leadscore.scoring.engine.model.ScoringModel;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The active model versions of each tenant (the latest version of every model), cached briefly so scoring does not
 * query them per batch. A publish on this replica invalidates at once; other replicas see it within {@link #TTL}.
 */
@ApplicationScoped
public class ModelRegistry {

    static final Duration TTL = Duration.ofSeconds(5);

    private record Cached(long loadedAtNanos, List<ScoringModel> models) {
    }

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final PgPool pool;

    public ModelRegistry(PgPool pool) {
        this.pool = pool;
    }

    public Uni<List<ScoringModel>> activeModels(String tenant) {
        return activeModels(pool, tenant);
    }

    /**
     * As {@link #activeModels(String)}, reading through {@code client} on a cache miss. Code inside a transaction passes
     * its connection: asking the pool for a second one while holding the first can wait forever once every pooled
     * connection is held by such a transaction (three consumers, decay checks and rescoring share 16).
     */
    public Uni<List<ScoringModel>> activeModels(SqlClient client, String tenant) {
        Cached cached = cache.get(tenant);
        if (cached != null && System.nanoTime() - cached.loadedAtNanos < TTL.toNanos()) {
            return Uni.createFrom().item(cached.models);
        }
        // Plain SQL rather than Panache: this runs inside the Kafka consumer's transactions on the hot path.
        return client.preparedQuery("SELECT DISTINCT ON (model_id) model_id, version, definition FROM scoring_model_version "
                + "WHERE tenant = $1 ORDER BY model_id, version DESC")
                .execute(Tuple.of(tenant))
                .map(rows -> {
                    List<ScoringModel> models = new ArrayList<>();
                    for (Row row : rows) {
                        models.add(ModelParser.parse(row.getString("model_id"), row.getInteger("version"),
                                row.getJsonObject("definition").getMap()).orElseThrow());
                    }
                    cache.put(tenant, new Cached(System.nanoTime(), List.copyOf(models)));
                    return models;
                });
    }

    public void invalidate(String tenant) {
        cache.remove(tenant);
    }

    /** Stored definitions were valid when published; the parser is deterministic, so they still are. */
    public static ScoringModel toModel(ModelVersionEntity row) {
        return ModelParser.parse(row.modelId, row.version, row.definition).orElseThrow();
    }

    /** One specific version (for reads of earlier versions). */
    public Uni<ScoringModel> version(String tenant, String modelId, int version) {
        return pool.preparedQuery("SELECT definition FROM scoring_model_version WHERE tenant = $1 AND model_id = $2 "
                + "AND version = $3").execute(Tuple.of(tenant, modelId, version))
                .map(rows -> rows.size() == 0
                        ? null
                        : ModelParser.parse(modelId, version,
                                rows.iterator().next().getJsonObject("definition").getMap()).orElseThrow());
    }
}
