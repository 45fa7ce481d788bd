package io.leadscore.scoring.model;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.hibernate.exception.ConstraintViolationException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.scoring.api.ApiErrors;
import io.leadscore.scoring.engine.model.ModelError;
import io.leadscore.scoring.engine.model.ModelParseResult;
import io.leadscore.scoring.engine.model.ModelParser;
import io.leadscore.scoring.rescoring.Rescoring;
import io.leadscore.security.Roles;
import io.leadscore.security.TenantContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {

    static final Pattern MODEL_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    /** A published model version as the API shows it. */
    public record ModelVersionView(String modelId, int version, String name, String publishedBy, Instant publishedAt,
            Map<String, Object> definition) {
        static ModelVersionView of(ModelVersionEntity e) {
            return new ModelVersionView(e.modelId, e.version, e.name, e.publishedBy, e.publishedAt, e.definition);
        }
    }

    private final TenantContext tenantContext;
    private final ModelRegistry registry;
    private final Rescoring rescoring;
    private final ObjectMapper mapper;

    public ModelsResource(TenantContext tenantContext, ModelRegistry registry, Rescoring rescoring, ObjectMapper mapper) {
        this.tenantContext = tenantContext;
        this.registry = registry;
        this.rescoring = rescoring;
        this.mapper = mapper;
    }

    @PUT
    @Path("/{modelId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Publish the next version of a model", description = "Validates the model (400 naming each "
            + "rule and field at fault), stores it as the next version, and rescores the tenant's leads in the "
            + "background, publishing ScoreChanged where a band changed.")
    public Uni<Response> publish(@PathParam("modelId") String modelId, String body) {
        String tenant = tenantContext.tenant();
        String publishedBy = tenantContext.principal();
        if (!MODEL_ID.matcher(modelId).matches()) {
            return Uni.createFrom().item(ApiErrors.badRequest(null, "modelId", "must match " + MODEL_ID.pattern()));
        }
        Map<String, Object> definition;
        try {
            Object parsed = mapper.readValue(body == null ? "" : body, Object.class);
            if (!(parsed instanceof Map)) {
                return Uni.createFrom().item(ApiErrors.badRequest(null, "", "a model must be a JSON object"));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) parsed;
            definition = map;
        } catch (JsonProcessingException e) {
            return Uni.createFrom().item(ApiErrors.badRequest(null, "", "malformed JSON: " + e.getOriginalMessage()));
        }
        return Panache.withTransaction(() -> ModelVersionEntity.<ModelVersionEntity>find(
                "tenant = ?1 and modelId = ?2 order by version desc", tenant, modelId).firstResult()
                .chain(latest -> {
                    int version = latest == null ? 1 : latest.version + 1;
                    ModelParseResult result = ModelParser.parse(modelId, version, definition);
                    if (!result.isValid()) {
                        return Uni.createFrom().item(invalid(result.errors()));
                    }
                    var entity = new ModelVersionEntity();
                    entity.tenant = tenant;
                    entity.modelId = modelId;
                    entity.version = version;
                    entity.name = result.orElseThrow().name();
                    entity.definition = definition;
                    entity.publishedBy = publishedBy;
                    entity.publishedAt = Instant.now();
                    return entity.<ModelVersionEntity>persist().map(saved -> Response.status(201)
                            .header("Location", "/v1/models/" + modelId + "/versions/" + version)
                            .entity(ModelVersionView.of(saved)).build());
                }))
                .invoke(response -> {
                    if (response.getStatus() == 201) {
                        registry.invalidate(tenant);
                        rescoring.rescoreTenant(tenant, modelId);
                    }
                })
                .onFailure(ModelsResource::isConcurrentPublish).recoverWithItem(() -> ApiErrors.status(409, null,
                        "version", "another version of " + modelId + " was published at the same moment; retry"));
    }

    private static boolean isConcurrentPublish(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConstraintViolationException || String.valueOf(c.getMessage()).contains("duplicate key")) {
                return true;
            }
        }
        return false;
    }

    private static Response invalid(List<ModelError> errors) {
        List<Map<String, Object>> list = errors.stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            if (e.ruleId() != null) {
                m.put("rule", e.ruleId());
            }
            m.put("field", e.field());
            m.put("message", e.message());
            return m;
        }).toList();
        return Response.status(400).entity(Map.of("errors", list)).build();
    }

    @GET
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "Your tenant's models, each at its active (latest) version")
    public Uni<List<ModelVersionView>> list() {
        String tenant = tenantContext.tenant();
        return Panache.withSession(() -> ModelVersionEntity.<ModelVersionEntity>list(
                "tenant = ?1 order by modelId, version desc", tenant))
                .map(rows -> {
                    Map<String, ModelVersionEntity> latest = new LinkedHashMap<>();
                    rows.forEach(r -> latest.putIfAbsent(r.modelId, r));
                    return latest.values().stream().map(ModelVersionView::of).toList();
                });
    }

    @GET
    @Path("/{modelId}")
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "A model at its active (latest) version")
    public Uni<Response> latest(@PathParam("modelId") String modelId) {
        String tenant = tenantContext.tenant();
        return Panache.withSession(() -> ModelVersionEntity.<ModelVersionEntity>find(
                "tenant = ?1 and modelId = ?2 order by version desc", tenant, modelId).firstResult())
                .map(e -> e == null
                        ? ApiErrors.notFound("no model " + modelId)
                        : Response.ok(ModelVersionView.of(e)).build());
    }

    @GET
    @Path("/{modelId}/versions")
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "Every version of a model, newest first")
    public Uni<List<ModelVersionView>> versions(@PathParam("modelId") String modelId) {
        String tenant = tenantContext.tenant();
        return Panache.withSession(() -> ModelVersionEntity.<ModelVersionEntity>list(
                "tenant = ?1 and modelId = ?2 order by version desc", tenant, modelId))
                .map(rows -> rows.stream().map(ModelVersionView::of).toList());
    }

    @GET
    @Path("/{modelId}/versions/{version}")
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "One version of a model")
    public Uni<Response> version(@PathParam("modelId") String modelId, @PathParam("version") int version) {
        String tenant = tenantContext.tenant();
        return Panache.withSession(() -> ModelVersionEntity.<ModelVersionEntity>find(
                "tenant = ?1 and modelId = ?2 and version = ?3", tenant, modelId, version).firstResult())
                .map(e -> e == null
                        ? ApiErrors.notFound("no version " + version + " of model " + modelId)
                        : Response.ok(ModelVersionView.of(e)).build());
    }
}
