package io.leadscore.scoring.rebuild;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.leadscore.scoring.engine.LeadLog;
import io.leadscore.scoring.engine.model.ScoringModel;
import io.leadscore.scoring.model.ModelRegistry;
import io.leadscore.scoring.projection.LeadGroups;
import io.leadscore.scoring.projection.ProjectionStore;
import io.leadscore.scoring.projection.ScoreUpdate;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Rebuilds a tenant's lead_score projection from the event log. Rows are computed into a staging table while the live
 * projection keeps serving reads and live updates; the swap then happens in one short transaction that locks the
 * projection, recomputes the few leads that received events meanwhile, and replaces the tenant's rows.
 */
@ApplicationScoped
public class ProjectionRebuild {

    private static final Logger LOG = Logger.getLogger(ProjectionRebuild.class);
    static final int PAGE = 1000;
    static final int CONCURRENT_PAGES = 2;

    private final PgPool pool;
    private final ModelRegistry registry;
    private final ProjectionStore store;

    public ProjectionRebuild(PgPool pool, ModelRegistry registry, ProjectionStore store) {
        this.pool = pool;
        this.registry = registry;
        this.store = store;
    }

    /** Registers a rebuild and starts it in the background; returns its id at once. */
    public Uni<String> start(String tenant) {
        String id = UUID.randomUUID().toString();
        // Millisecond precision: the instant is stored (PostgreSQL keeps microseconds) and must reproduce exactly.
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        return pool.preparedQuery("SELECT count(*), coalesce(sum(version), 0) FROM lead_stream WHERE tenant = $1")
                .execute(Tuple.of(tenant))
                .chain(rows -> {
                    Row r = rows.iterator().next();
                    return pool.preparedQuery("INSERT INTO projection_rebuild (id, tenant, status, leads_total, "
                            + "events_total, started_at, updated_at) VALUES ($1, $2, 'running', $3, $4, $5, $5)")
                            .execute(Tuple.of(id, tenant, r.getLong(0), r.getLong(1), ProjectionStoreAccess.utc(now)));
                })
                .invoke(() -> run(id, tenant, now).subscribe().with(
                        ignored -> LOG.infof("Projection rebuild %s of tenant %s completed", id, tenant),
                        e -> LOG.errorf(e, "Projection rebuild %s of tenant %s failed", id, tenant)))
                .replaceWith(id);
    }

    /** The whole rebuild at instant {@code at}; completes when the new projection has been swapped in. */
    public Uni<Void> run(String id, String tenant, Instant at) {
        return registry.activeModels(tenant)
                .chain(models -> stageAll(id, tenant, models, at))
                .chain(() -> swap(id, tenant, at))
                .onFailure().call(e -> pool.preparedQuery("UPDATE projection_rebuild SET status = 'failed', error = $2, "
                        + "updated_at = now(), finished_at = now() WHERE id = $1").execute(Tuple.of(id, e.toString()))
                        .chain(() -> pool.preparedQuery("DELETE FROM lead_score_rebuild WHERE rebuild_id = $1")
                                .execute(Tuple.of(id))));
    }

    /** One page of the tenant's leads, in lead id order, with each stream's version. */
    private record Page(List<String> leadIds, Map<String, Long> versions, long events) {
    }

    /**
     * Stages every lead of the tenant, a page at a time, {@link #CONCURRENT_PAGES} pages in flight so one page's
     * database reads and writes overlap another's scoring. Page boundaries come from a cheap keyset scan of the
     * streams.
     */
    private Uni<Void> stageAll(String id, String tenant, List<ScoringModel> models, Instant at) {
        return Multi.createBy().repeating()
                .uni(() -> new String[]{""}, last -> nextPage(tenant, last[0]).invoke(p -> {
                    if (!p.leadIds().isEmpty()) {
                        last[0] = p.leadIds().get(p.leadIds().size() - 1);
                    }
                }))
                .until(p -> p.leadIds().isEmpty())
                .onItem().transformToUni(p -> stage(pool, id, tenant, models, p.leadIds(), p.versions(), at)
                        .chain(() -> pool.preparedQuery("UPDATE projection_rebuild SET leads_done = leads_done + $2, "
                                + "events_done = events_done + $3, updated_at = now() WHERE id = $1")
                                .execute(Tuple.of(id, p.leadIds().size(), p.events()))))
                .merge(CONCURRENT_PAGES)
                .collect().last()
                .replaceWithVoid();
    }

    private Uni<Page> nextPage(String tenant, String after) {
        return pool.preparedQuery("SELECT lead_id, version FROM lead_stream WHERE tenant = $1 AND lead_id > $2 "
                + "ORDER BY lead_id LIMIT " + PAGE).execute(Tuple.of(tenant, after))
                .map(rows -> {
                    Map<String, Long> versions = new HashMap<>();
                    List<String> leadIds = new ArrayList<>();
                    long events = 0;
                    for (Row r : rows) {
                        leadIds.add(r.getString(0));
                        versions.put(r.getString(0), r.getLong(1));
                        events += r.getLong(1);
                    }
                    return new Page(leadIds, versions, events);
                });
    }

    /** Stages a page, its leads' histories loaded a bounded number of events at a time. */
    private Uni<Void> stage(SqlClient client, String id, String tenant, List<ScoringModel> models,
            List<String> leadIds, Map<String, Long> versions, Instant at) {
        if (models.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(LeadGroups.split(leadIds, lead -> versions.getOrDefault(lead, 0L),
                store.groupEvents()))
                .onItem().transformToUniAndConcatenate(group -> stageGroup(client, id, tenant, models, group, versions, at))
                .collect().last()
                .replaceWithVoid();
    }

    private Uni<Void> stageGroup(SqlClient client, String id, String tenant, List<ScoringModel> models,
            List<String> leadIds, Map<String, Long> versions, Instant at) {
        return store.loadFacts(client, tenant, leadIds).chain(facts -> {
            int n = leadIds.size() * models.size();
            String[] modelIds = new String[n];
            String[] leads = new String[n];
            Integer[] modelVersions = new Integer[n];
            Double[] scores = new Double[n];
            String[] bands = new String[n];
            OffsetDateTime[] computed = new OffsetDateTime[n];
            OffsetDateTime[] next = new OffsetDateTime[n];
            Long[] streamVersions = new Long[n];
            int i = 0;
            for (String leadId : leadIds) {
                LeadLog leadFacts = facts.getOrDefault(leadId, LeadLog.empty());
                for (ScoringModel model : models) {
                    ScoreUpdate.Row row = ScoreUpdate.decide(ScoreUpdate.Trigger.REBUILD, tenant, leadId, model,
                            leadFacts, List.of(), null, at, null).row();
                    modelIds[i] = row.modelId();
                    leads[i] = leadId;
                    modelVersions[i] = row.modelVersion();
                    scores[i] = row.score();
                    bands[i] = row.band();
                    computed[i] = ProjectionStoreAccess.utc(row.computedAt());
                    next[i] = ProjectionStoreAccess.utc(row.nextChangeAt());
                    streamVersions[i] = versions.get(leadId);
                    i++;
                }
            }
            return client.preparedQuery("INSERT INTO lead_score_rebuild (rebuild_id, tenant, model_id, lead_id, "
                    + "model_version, score, band, computed_at, next_change_at, stream_version) SELECT $1, $2, * FROM "
                    + "unnest($3::text[], $4::text[], $5::int[], $6::float8[], $7::text[], $8::timestamptz[], "
                    + "$9::timestamptz[], $10::bigint[]) "
                    + "ON CONFLICT (rebuild_id, model_id, lead_id) DO UPDATE "
                    + "SET model_version = EXCLUDED.model_version, score = EXCLUDED.score, band = EXCLUDED.band, "
                    + "computed_at = EXCLUDED.computed_at, next_change_at = EXCLUDED.next_change_at, "
                    + "stream_version = EXCLUDED.stream_version")
                    .execute(Tuple.from(List.of(id, tenant, modelIds, leads, modelVersions, scores, bands, computed,
                            next, streamVersions)))
                    .replaceWithVoid();
        });
    }

    private Uni<Void> swap(String id, String tenant, Instant at) {
        return registry.activeModels(tenant).chain(models -> pool.withTransaction(conn -> conn
                // Live writers wait for the few milliseconds of the swap; readers are not blocked.
                .query("LOCK TABLE lead_score IN SHARE ROW EXCLUSIVE MODE").execute()
                .chain(() -> conn.preparedQuery("SELECT s.lead_id, s.version FROM lead_stream s WHERE s.tenant = $1 "
                        + "AND NOT EXISTS (SELECT 1 FROM lead_score_rebuild r WHERE r.rebuild_id = $2 "
                        + "AND r.lead_id = s.lead_id AND r.stream_version = s.version)")
                        .execute(Tuple.of(tenant, id)))
                .chain(moved -> {
                    List<String> leadIds = new ArrayList<>();
                    Map<String, Long> versions = new HashMap<>();
                    for (Row r : moved) {
                        leadIds.add(r.getString(0));
                        versions.put(r.getString(0), r.getLong(1));
                    }
                    if (!leadIds.isEmpty()) {
                        LOG.infof("Rebuild %s: recomputing %d leads that received events during the rebuild", id,
                                leadIds.size());
                    }
                    return leadIds.isEmpty()
                            ? Uni.createFrom().voidItem()
                            : stage(conn, id, tenant, models, leadIds, versions, at);
                })
                .chain(() -> conn.preparedQuery("DELETE FROM lead_score WHERE tenant = $1").execute(Tuple.of(tenant)))
                .chain(() -> conn.preparedQuery("INSERT INTO lead_score (tenant, model_id, lead_id, model_version, score, "
                        + "band, computed_at, next_change_at) SELECT tenant, model_id, lead_id, model_version, score, "
                        + "band, computed_at, next_change_at FROM lead_score_rebuild WHERE rebuild_id = $1")
                        .execute(Tuple.of(id)))
                .chain(() -> conn.preparedQuery("DELETE FROM lead_score_rebuild WHERE rebuild_id = $1")
                        .execute(Tuple.of(id)))
                .chain(() -> conn.preparedQuery("UPDATE projection_rebuild SET status = 'completed', updated_at = now(), "
                        + "finished_at = now() WHERE id = $1").execute(Tuple.of(id)))
                .replaceWithVoid()));
    }

    public Uni<RebuildStatus> status(String tenant, String id) {
        return pool.preparedQuery("SELECT * FROM projection_rebuild WHERE tenant = $1 AND id = $2")
                .execute(Tuple.of(tenant, id))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    Instant started = r.getOffsetDateTime("started_at").toInstant();
                    OffsetDateTime finishedAt = r.getOffsetDateTime("finished_at");
                    Instant end = finishedAt != null ? finishedAt.toInstant() : r.getOffsetDateTime("updated_at").toInstant();
                    long eventsDone = r.getLong("events_done");
                    long eventsTotal = r.getLong("events_total");
                    double seconds = Math.max(0.001, Duration.between(started, end).toMillis() / 1000.0);
                    double rate = eventsDone / seconds;
                    Long eta = finishedAt != null
                            ? Long.valueOf(0)
                            : rate > 0 ? Long.valueOf((long) Math.ceil((eventsTotal - eventsDone) / rate)) : null;
                    return new RebuildStatus(id, r.getString("status"), r.getLong("leads_done"), r.getLong("leads_total"),
                            eventsDone, eventsTotal, rate, eta, started,
                            finishedAt == null ? null : finishedAt.toInstant(), r.getString("error"));
                });
    }

    /** The projection package's UTC conversion, shared. */
    static final class ProjectionStoreAccess {
        static OffsetDateTime utc(Instant instant) {
            return instant == null ? null : instant.atOffset(java.time.ZoneOffset.UTC);
        }
    }
}
