package io.leadscore.routing.owner;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.routing.api.ApiErrors;
import io.leadscore.routing.api.JsonBodies;
import io.leadscore.routing.domain.policy.PolicyError;
import io.leadscore.routing.domain.policy.PolicyParser;
import io.leadscore.routing.lead.Rechecks;
import io.leadscore.security.Roles;
import io.leadscore.security.TenantContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

@Path("/v1/reps")
@Produces(MediaType.APPLICATION_JSON)
public class RepsResource {

    static final Set<String> FIELDS = Set.of("name", "team", "active", "capacity");
    static final int MAX_CAPACITY = 100_000;

    /** A rep as the API shows it, with the open leads (mql, sql, accepted) counting against its capacity. */
    public record RepView(String repId, String name, String team, boolean active, int capacity, long openLeads,
            Instant updatedAt) {
    }

    private final TenantContext tenantContext;
    private final ObjectMapper strictMapper;
    private final PgPool pool;
    private final Rechecks rechecks;

    public RepsResource(TenantContext tenantContext, ObjectMapper mapper, PgPool pool, Rechecks rechecks) {
        this.tenantContext = tenantContext;
        this.strictMapper = JsonBodies.strict(mapper);
        this.pool = pool;
        this.rechecks = rechecks;
    }

    @PUT
    @Path("/{repId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create or replace a rep", description = "{\"name\": \"Ada\", \"team\": \"emea\", \"active\": "
            + "true, \"capacity\": 25}. The team must exist. 201 when created, 200 when replaced.")
    public Uni<Response> put(@PathParam("repId") String repId, String body) {
        String tenant = tenantContext.tenant();
        if (!PolicyParser.ID.matcher(repId).matches()) {
            return Uni.createFrom().item(ApiErrors.badRequest("repId", "must match " + PolicyParser.ID.pattern()));
        }
        JsonBodies.Parsed parsed = JsonBodies.object(strictMapper, body);
        if (parsed.error() != null) {
            return Uni.createFrom().item(ApiErrors.badRequest("", parsed.error()));
        }
        Map<String, Object> b = parsed.value();
        List<PolicyError> errors = new ArrayList<>();
        OwnerValidation.unknown(b, FIELDS, errors, null);
        String name = OwnerValidation.name(b.get("name"), errors);
        String team = OwnerValidation.optionalId(b.get("team"), "team", errors);
        Boolean active = OwnerValidation.bool(b.get("active"), "active", true, errors);
        Integer capacity = OwnerValidation.integer(b.get("capacity"), "capacity", 0, MAX_CAPACITY, errors);
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(ApiErrors.badRequest(errors));
        }
        return Panache.withTransaction(() -> (team == null
                ? Uni.createFrom().item(Boolean.TRUE)
                : TeamEntity.count("tenant = ?1 and teamId = ?2", tenant, team).map(n -> n > 0))
                .chain(teamExists -> {
                    if (!teamExists) {
                        return Uni.createFrom().item(ApiErrors.badRequest("team", "no team " + team
                                + "; create it first with PUT /v1/teams/" + team));
                    }
                    return RepEntity.<RepEntity>find("tenant = ?1 and repId = ?2", tenant, repId).firstResult()
                            .chain(existing -> {
                                RepEntity e = existing != null ? existing : new RepEntity();
                                e.tenant = tenant;
                                e.repId = repId;
                                e.name = name;
                                e.teamId = team;
                                e.active = active;
                                e.capacity = capacity;
                                e.updatedAt = Instant.now();
                                Uni<RepEntity> saved = existing != null ? Uni.createFrom().item(e) : e.persist();
                                return saved.map(s -> Response.status(existing != null ? 200 : 201)
                                        .entity(view(s, 0)).build());
                            });
                }))
                .call(response -> response.getStatus() < 300
                        ? rechecks.waitingForOwner(tenant)
                        : Uni.createFrom().voidItem())
                .chain(response -> response.getStatus() < 300 ? openLeads(tenant).map(open -> {
                    RepView v = (RepView) response.getEntity();
                    return Response.status(response.getStatus())
                            .entity(new RepView(v.repId(), v.name(), v.team(), v.active(), v.capacity(),
                                    open.getOrDefault(v.repId(), 0L), v.updatedAt()))
                            .build();
                }) : Uni.createFrom().item(response));
    }

    @GET
    @Path("/{repId}")
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "A rep, with its open leads")
    public Uni<Response> get(@PathParam("repId") String repId) {
        String tenant = tenantContext.tenant();
        return Panache.withSession(() -> RepEntity.<RepEntity>find("tenant = ?1 and repId = ?2", tenant, repId)
                .firstResult())
                .chain(e -> e == null
                        ? Uni.createFrom().item(ApiErrors.notFound("no rep " + repId))
                        : openLeads(tenant).map(open -> Response.ok(view(e, open.getOrDefault(repId, 0L))).build()));
    }

    @GET
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "Your tenant's reps")
    public Uni<List<RepView>> list() {
        String tenant = tenantContext.tenant();
        return Panache.withSession(() -> RepEntity.<RepEntity>list("tenant = ?1 order by repId", tenant))
                .chain(reps -> openLeads(tenant).map(open -> reps.stream()
                        .map(e -> view(e, open.getOrDefault(e.repId, 0L))).toList()));
    }

    private Uni<Map<String, Long>> openLeads(String tenant) {
        return pool.preparedQuery("SELECT rep_id, open_leads FROM rep_open_leads WHERE tenant = $1")
                .execute(Tuple.of(tenant))
                .map(rows -> {
                    Map<String, Long> open = new HashMap<>();
                    for (Row r : rows) {
                        open.put(r.getString("rep_id"), (long) r.getInteger("open_leads"));
                    }
                    return open;
                });
    }

    static RepView view(RepEntity e, long openLeads) {
        return new RepView(e.repId, e.name, e.teamId, e.active, e.capacity, openLeads, e.updatedAt);
    }
}
