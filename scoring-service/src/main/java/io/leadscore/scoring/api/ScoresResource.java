package io.leadscore.scoring.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.leadscore.scoring.engine.Explanation;
import io.leadscore.scoring.engine.Fact;
import io.leadscore.scoring.engine.LeadLog;
import io.leadscore.scoring.engine.ScoreResult;
import io.leadscore.scoring.engine.Scorer;
import io.leadscore.scoring.engine.model.ScoringModel;
import io.leadscore.scoring.model.ModelRegistry;
import io.leadscore.scoring.projection.LeadFactsReader;
import io.leadscore.security.Roles;
import io.leadscore.security.TenantContext;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Scores, explanations and history of one lead. Scores and explanations are evaluated from the event log at the
 * requested instant, so they are exact at any instant and always agree with each other.
 */
@Path("/v1/leads/{leadId}/scores")
@Produces(MediaType.APPLICATION_JSON)
// A rep's own token reads single leads too: the alerts it receives link here. Lists stay with the tenant-wide roles.
@RolesAllowed({Roles.READ, Roles.ADMIN, Roles.REP})
public class ScoresResource {

    public record ModelScore(String modelId, int modelVersion, Instant at, double score, String band) {
    }

    public record HistoryEntry(String modelId, int modelVersion, Double previousScore, double score,
            String previousBand, String band, Map<String, String> cause, Instant computedAt) {
    }

    private final TenantContext tenantContext;
    private final ModelRegistry registry;
    private final LeadFactsReader factsReader;
    private final PgPool pool;

    public ScoresResource(TenantContext tenantContext, ModelRegistry registry, LeadFactsReader factsReader, PgPool pool) {
        this.tenantContext = tenantContext;
        this.registry = registry;
        this.factsReader = factsReader;
        this.pool = pool;
    }

    @GET
    @Operation(summary = "The lead's score and band under each active model", description = "?at= evaluates at that "
            + "instant (only events that occurred by then count); ?model=&modelVersion= evaluates one model at an "
            + "earlier version. What the score actually was at the time is in /history.")
    public Uni<Response> scores(@PathParam("leadId") String leadId, @QueryParam("at") String at,
            @QueryParam("model") String modelId, @QueryParam("modelVersion") String modelVersionParam) {
        String tenant = tenantContext.tenant();
        Integer modelVersion;
        try {
            modelVersion = version(modelVersionParam);
        } catch (NumberFormatException e) {
            return Uni.createFrom().item(ApiErrors.badRequest(null, "modelVersion", "'" + modelVersionParam
                    + "' is not a version number"));
        }
        Instant instant;
        try {
            instant = instant(at);
        } catch (DateTimeParseException e) {
            return Uni.createFrom()
                    .item(ApiErrors.badRequest(null, "at", "'" + at + "' is not an ISO-8601 instant in the years 1 to 9999"));
        }
        if (modelVersion != null && modelId == null) {
            return Uni.createFrom().item(ApiErrors.badRequest(null, "modelVersion", "needs model= to name the model"));
        }
        Uni<List<ScoringModel>> models = modelId == null
                ? registry.activeModels(tenant)
                : model(tenant, modelId, modelVersion).map(m -> m == null ? List.<ScoringModel>of() : List.of(m));
        return models.chain(list -> {
            if (modelId != null && list.isEmpty()) {
                return Uni.createFrom().item(ApiErrors.notFound("no model " + modelId
                        + (modelVersion == null ? "" : " version " + modelVersion)));
            }
            return facts(tenant, leadId).map(facts -> {
                if (facts.isEmpty()) {
                    return ApiErrors.notFound("no events for lead " + leadId);
                }
                List<ModelScore> result = new ArrayList<>();
                for (ScoringModel m : list) {
                    ScoreResult r = Scorer.score(m, facts, instant);
                    result.add(new ModelScore(m.modelId(), m.version(), instant, r.score(), r.band()));
                }
                return Response.ok(result).build();
            });
        });
    }

    @GET
    @Path("/{modelId}/explanation")
    @Operation(summary = "Every contribution to the lead's score under one model", description = "Each awarded event "
            + "and attribute rule with its points, decay factor and effective points; each match a cap excluded, with "
            + "why; then raw, floor/cap, score and band. The contributions sum to raw exactly.")
    public Uni<Response> explanation(@PathParam("leadId") String leadId, @PathParam("modelId") String modelId,
            @QueryParam("at") String at, @QueryParam("modelVersion") String modelVersionParam) {
        String tenant = tenantContext.tenant();
        Integer modelVersion;
        try {
            modelVersion = version(modelVersionParam);
        } catch (NumberFormatException e) {
            return Uni.createFrom().item(ApiErrors.badRequest(null, "modelVersion", "'" + modelVersionParam
                    + "' is not a version number"));
        }
        Instant instant;
        try {
            instant = instant(at);
        } catch (DateTimeParseException e) {
            return Uni.createFrom()
                    .item(ApiErrors.badRequest(null, "at", "'" + at + "' is not an ISO-8601 instant in the years 1 to 9999"));
        }
        return model(tenant, modelId, modelVersion).chain(model -> {
            if (model == null) {
                return Uni.createFrom().item(ApiErrors.notFound("no model " + modelId
                        + (modelVersion == null ? "" : " version " + modelVersion)));
            }
            return facts(tenant, leadId).map(facts -> {
                if (facts.isEmpty()) {
                    return ApiErrors.notFound("no events for lead " + leadId);
                }
                Explanation explanation = Scorer.explain(model, facts, instant);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("leadId", leadId);
                body.put("modelName", model.name());
                body.put("explanation", explanation);
                return Response.ok(body).build();
            });
        });
    }

    @GET
    @Path("/{modelId}/history")
    @Operation(summary = "Each published change of the lead's score or band under one model, with its cause")
    public Uni<List<HistoryEntry>> history(@PathParam("leadId") String leadId, @PathParam("modelId") String modelId) {
        String tenant = tenantContext.tenant();
        return pool.preparedQuery("SELECT * FROM score_history WHERE tenant = $1 AND lead_id = $2 AND model_id = $3 "
                + "ORDER BY id").execute(Tuple.of(tenant, leadId, modelId))
                .map(rows -> {
                    List<HistoryEntry> entries = new ArrayList<>();
                    for (Row r : rows) {
                        Map<String, String> cause = new LinkedHashMap<>();
                        cause.put("type", r.getString("cause_type"));
                        if (r.getString("cause_event_id") != null) {
                            cause.put("eventId", r.getString("cause_event_id"));
                        }
                        entries.add(new HistoryEntry(modelId, r.getInteger("model_version"),
                                r.getDouble("previous_score"), r.getDouble("score"), r.getString("previous_band"),
                                r.getString("band"), cause, r.getOffsetDateTime("computed_at").toInstant()));
                    }
                    return entries;
                });
    }

    private Uni<ScoringModel> model(String tenant, String modelId, Integer version) {
        if (version != null) {
            return registry.version(tenant, modelId, version);
        }
        return registry.activeModels(tenant)
                .map(models -> models.stream().filter(m -> m.modelId().equals(modelId)).findFirst().orElse(null));
    }

    private Uni<LeadLog> facts(String tenant, String leadId) {
        return factsReader.facts(pool, tenant, leadId);
    }

    /** Parsed here rather than by JAX-RS, which answers a malformed number with a bare 404. */
    static Integer version(String param) {
        return param == null ? null : Integer.valueOf(param);
    }

    /**
     * The instant {@code ?at=} names, now when absent. Years 1 to 9999 only: beyond them the decay of a lead's events
     * cannot be computed, and the answer would be a 500 instead of a precise 400.
     */
    static Instant instant(String at) {
        if (at == null || at.isBlank()) {
            return Instant.now();
        }
        Instant instant = OffsetDateTime.parse(at).toInstant();
        if (instant.isBefore(Fact.EARLIEST) || instant.isAfter(Fact.LATEST)) {
            throw new DateTimeParseException("outside the years 1 to 9999", at, 0);
        }
        return instant;
    }
}
