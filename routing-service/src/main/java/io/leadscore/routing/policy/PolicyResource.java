package io.leadscore.routing.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.routing.api.ApiErrors;
import io.leadscore.routing.api.JsonBodies;
import io.leadscore.routing.domain.policy.PolicyParseResult;
import io.leadscore.routing.domain.policy.PolicyParser;
import io.leadscore.routing.lead.Rechecks;
import io.leadscore.security.Roles;
import io.leadscore.security.TenantContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

@Path("/v1/routing/policy")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyResource {

    /** A policy version as the API shows it; {@code builtIn} marks the default that applies before any PUT. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PolicyView(int version, boolean builtIn, String publishedBy, Instant publishedAt,
            Map<String, Object> definition) {
        static PolicyView of(PolicyVersionEntity e) {
            return new PolicyView(e.version, false, e.publishedBy, e.publishedAt, e.definition);
        }
    }

    private final TenantContext tenantContext;
    private final PolicyStore store;
    private final Rechecks rechecks;
    private final ObjectMapper strictMapper;

    public PolicyResource(TenantContext tenantContext, PolicyStore store, Rechecks rechecks,
            ObjectMapper mapper) {
        this.tenantContext = tenantContext;
        this.store = store;
        this.rechecks = rechecks;
        this.strictMapper = JsonBodies.strict(mapper);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Publish the next version of the routing policy", description = "Validates the policy (400 "
            + "naming each rule and field at fault) and stores it as version n+1 (201). Every lead of the tenant is "
            + "re-evaluated under it by the next timer run. Publishing the definition the active version already has "
            + "stores nothing new and answers that version (200), but brings the re-evaluation forward again, so a "
            + "retry of a publish that answered 500 completes it.")
    public Uni<Response> put(String body) {
        String tenant = tenantContext.tenant();
        String publishedBy = tenantContext.principal();
        JsonBodies.Parsed parsed = JsonBodies.object(strictMapper, body);
        if (parsed.error() != null) {
            return Uni.createFrom().item(ApiErrors.badRequest("", parsed.error()));
        }
        Map<String, Object> definition = parsed.value();
        PolicyParseResult check = PolicyParser.parse(definition, 1);
        if (!check.isValid()) {
            return Uni.createFrom().item(ApiErrors.badRequest(check.errors()));
        }
        return Panache.withTransaction(() -> PolicyVersionEntity.<PolicyVersionEntity>find(
                "tenant = ?1 order by version desc", tenant).firstResult()
                .chain(latest -> {
                    if (latest != null && sameDefinition(latest.definition, definition)) {
                        return Uni.createFrom().item(new Published(latest, false));
                    }
                    var e = new PolicyVersionEntity();
                    e.tenant = tenant;
                    e.version = latest == null ? 1 : latest.version + 1;
                    e.definition = definition;
                    e.publishedBy = publishedBy;
                    e.publishedAt = Instant.now();
                    return e.<PolicyVersionEntity>persist().map(saved -> new Published(saved, true));
                }))
                // Also for the active definition again: the client may be retrying a publish whose version was
                // committed but whose re-checks were not (its answer was a 500), and the retry must complete it.
                .call(published -> reevaluateAll(tenant))
                .map(published -> Response.status(published.isNew() ? 201 : 200)
                        .header("Location", "/v1/routing/policy/versions/" + published.version().version)
                        .entity(PolicyView.of(published.version())).build())
                .onFailure(PolicyResource::isConcurrentPublish).recoverWithItem(() -> ApiErrors.conflict("version",
                        "another policy version was published at the same moment; retry"));
    }

    private record Published(PolicyVersionEntity version, boolean isNew) {
    }

    /** Compared as JSON trees, so key order and how the definition was read do not matter. */
    private boolean sameDefinition(Map<String, Object> stored, Map<String, Object> published) {
        return strictMapper.valueToTree(stored).equals(strictMapper.valueToTree(published));
    }

    /** Brings every lead's re-check forward to now, so the timers re-decide it under the new policy. */
    private Uni<Void> reevaluateAll(String tenant) {
        return rechecks.all(tenant);
    }

    @GET
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "The active policy (the latest version, or the built-in default as version 0)")
    public Uni<PolicyView> active() {
        String tenant = tenantContext.tenant();
        return Panache.withSession(() -> PolicyVersionEntity.<PolicyVersionEntity>find(
                "tenant = ?1 order by version desc", tenant).firstResult())
                .map(e -> e == null ? builtIn() : PolicyView.of(e));
    }

    @GET
    @Path("/versions")
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "Every published version, newest first")
    public Uni<List<PolicyView>> versions() {
        String tenant = tenantContext.tenant();
        return Panache.withSession(() -> PolicyVersionEntity.<PolicyVersionEntity>list(
                "tenant = ?1 order by version desc", tenant))
                .map(rows -> {
                    List<PolicyView> views = new ArrayList<>(rows.stream().map(PolicyView::of).toList());
                    views.add(builtIn());
                    return views;
                });
    }

    @GET
    @Path("/versions/{version}")
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "One version of the policy (0 is the built-in default)")
    public Uni<Response> version(@PathParam("version") String versionParam) {
        String tenant = tenantContext.tenant();
        // Read as text: an int parameter answers "versions/abc" with RESTEasy's bodiless 404.
        if (!versionParam.matches("\\d{1,9}")) {
            return Uni.createFrom().item(ApiErrors.notFound("no routing policy version " + versionParam));
        }
        int version = Integer.parseInt(versionParam);
        if (version == 0) {
            return Uni.createFrom().item(Response.ok(builtIn()).build());
        }
        return Panache.withSession(() -> PolicyVersionEntity.<PolicyVersionEntity>find(
                "tenant = ?1 and version = ?2", tenant, version).firstResult())
                .map(e -> e == null
                        ? ApiErrors.notFound("no routing policy version " + version)
                        : Response.ok(PolicyView.of(e)).build());
    }

    private PolicyView builtIn() {
        return new PolicyView(0, true, null, null, store.builtInDefinition());
    }

    private static boolean isConcurrentPublish(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (String.valueOf(c.getMessage()).contains("duplicate key")) {
                return true;
            }
        }
        return false;
    }
}
