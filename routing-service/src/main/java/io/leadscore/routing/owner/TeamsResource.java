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

import com.fasterxml.jackson.annotation.JsonProperty;
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

@Path("/v1/teams")
@Produces(MediaType.APPLICATION_JSON)
public class TeamsResource {

    static final Set<String> FIELDS = Set.of("name", "managerRepId", "territory", "priority", "default");
    static final int DEFAULT_PRIORITY = 100;

    /**
     * A team as the API shows it.
     *
     * @param members its reps (those whose {@code team} is this team) in round-robin order
     * @param waiting leads in mql or sql in this team's queue without an owner
     */
    public record TeamView(String teamId, String name, String managerRepId, List<Map<String, Object>> territory,
            int priority, @JsonProperty("default") boolean isDefault, List<String> members, long waiting, Instant updatedAt) {
    }

    private final TenantContext tenantContext;
    private final ObjectMapper strictMapper;
    private final PgPool pool;
    private final Rechecks rechecks;

    public TeamsResource(TenantContext tenantContext, ObjectMapper mapper, PgPool pool, Rechecks rechecks) {
        this.tenantContext = tenantContext;
        this.strictMapper = JsonBodies.strict(mapper);
        this.pool = pool;
        this.rechecks = rechecks;
    }

    @PUT
    @Path("/{teamId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create or replace a team", description = "{\"name\": \"EMEA\", \"managerRepId\": \"maria\", "
            + "\"territory\": [{\"attribute\": \"country\", \"in\": [\"DE\", \"AT\"]}], \"priority\": 10, "
            + "\"default\": false}. Teams are matched in priority order (lower first); every territory rule must "
            + "match. One team may be the default; a second default is a 409. Members are set on each rep.")
    public Uni<Response> put(@PathParam("teamId") String teamId, String body) {
        String tenant = tenantContext.tenant();
        if (!PolicyParser.ID.matcher(teamId).matches()) {
            return Uni.createFrom().item(ApiErrors.badRequest("teamId", "must match " + PolicyParser.ID.pattern()));
        }
        JsonBodies.Parsed parsed = JsonBodies.object(strictMapper, body);
        if (parsed.error() != null) {
            return Uni.createFrom().item(ApiErrors.badRequest("", parsed.error()));
        }
        Map<String, Object> b = parsed.value();
        List<PolicyError> errors = new ArrayList<>();
        OwnerValidation.unknown(b, FIELDS, errors, b.containsKey("members")
                ? "members are set on each rep: PUT /v1/reps/{repId} {\"team\": \"" + teamId + "\", ...}"
                : null);
        String name = OwnerValidation.name(b.get("name"), errors);
        String manager = OwnerValidation.optionalId(b.get("managerRepId"), "managerRepId", errors);
        PolicyParser.territory(b.get("territory"), "territory", errors);
        Integer priority = b.get("priority") == null
                ? Integer.valueOf(DEFAULT_PRIORITY)
                : OwnerValidation.integer(b.get("priority"), "priority", 0, 1_000_000, errors);
        Boolean isDefault = OwnerValidation.bool(b.get("default"), "default", false, errors);
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(ApiErrors.badRequest(errors));
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> territory = b.get("territory") == null
                ? List.of()
                : (List<Map<String, Object>>) b.get("territory");
        return Panache.withTransaction(() -> (isDefault
                ? TeamEntity.<TeamEntity>find("tenant = ?1 and isDefault = true and teamId <> ?2", tenant, teamId)
                        .firstResult()
                : Uni.createFrom().<TeamEntity>nullItem())
                .chain(otherDefault -> {
                    if (otherDefault != null) {
                        return Uni.createFrom().item(ApiErrors.conflict("default", "team " + otherDefault.teamId
                                + " is already the default team; set its default to false first"));
                    }
                    return TeamEntity.<TeamEntity>find("tenant = ?1 and teamId = ?2", tenant, teamId).firstResult()
                            .chain(existing -> {
                                TeamEntity e = existing != null ? existing : new TeamEntity();
                                e.tenant = tenant;
                                e.teamId = teamId;
                                e.name = name;
                                e.managerRepId = manager;
                                e.territory = Map.of(TeamEntity.TERRITORY_RULES, territory);
                                e.priority = priority;
                                e.isDefault = isDefault;
                                e.updatedAt = Instant.now();
                                Uni<TeamEntity> saved = existing != null ? Uni.createFrom().item(e) : e.persist();
                                return saved.map(s -> Response.status(existing != null ? 200 : 201).build());
                            });
                }))
                .onFailure(TeamsResource::isDuplicateDefault).recoverWithItem(() -> ApiErrors.conflict("default",
                        "another team became the default at the same moment; retry"))
                .call(response -> response.getStatus() < 300
                        ? rechecks.waitingForOwner(tenant)
                        : Uni.createFrom().voidItem())
                .chain(response -> response.getStatus() >= 300
                        ? Uni.createFrom().item(response)
                        : find(tenant, teamId).map(v -> Response.status(response.getStatus()).entity(v).build()));
    }

    @GET
    @Path("/{teamId}")
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "A team with its members and how many leads wait in its queue")
    public Uni<Response> get(@PathParam("teamId") String teamId) {
        return find(tenantContext.tenant(), teamId)
                .map(v -> v == null ? ApiErrors.notFound("no team " + teamId) : Response.ok(v).build());
    }

    @GET
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "Your tenant's teams in matching order")
    public Uni<List<TeamView>> list() {
        String tenant = tenantContext.tenant();
        return Panache.withSession(() -> TeamEntity.<TeamEntity>list("tenant = ?1 order by priority, teamId", tenant))
                .chain(teams -> details(tenant).map(d -> teams.stream().map(t -> view(t, d)).toList()));
    }

    private Uni<TeamView> find(String tenant, String teamId) {
        return Panache.withSession(() -> TeamEntity.<TeamEntity>find("tenant = ?1 and teamId = ?2", tenant, teamId)
                .firstResult())
                .chain(t -> t == null ? Uni.createFrom().nullItem() : details(tenant).map(d -> view(t, d)));
    }

    private record Details(Map<String, List<String>> members, Map<String, Long> waiting) {
    }

    private Uni<Details> details(String tenant) {
        Map<String, List<String>> members = new HashMap<>();
        Map<String, Long> waiting = new HashMap<>();
        return pool.preparedQuery("SELECT rep_id, team_id FROM sales_rep WHERE tenant = $1 AND team_id IS NOT NULL "
                + "ORDER BY rep_id").execute(Tuple.of(tenant))
                .invoke(rows -> {
                    for (Row r : rows) {
                        members.computeIfAbsent(r.getString("team_id"), k -> new ArrayList<>()).add(r.getString("rep_id"));
                    }
                })
                .chain(() -> pool.preparedQuery("SELECT team_id, count(*) AS n FROM lead_stage WHERE tenant = $1 "
                        + "AND stage IN ('mql', 'sql') AND owner_rep_id IS NULL AND team_id IS NOT NULL "
                        + "GROUP BY team_id").execute(Tuple.of(tenant)))
                .invoke(rows -> {
                    for (Row r : rows) {
                        waiting.put(r.getString("team_id"), r.getLong("n"));
                    }
                })
                .map(ignored -> new Details(members, waiting));
    }

    private static TeamView view(TeamEntity t, Details d) {
        return new TeamView(t.teamId, t.name, t.managerRepId, t.territoryRules(), t.priority, t.isDefault,
                d.members().getOrDefault(t.teamId, List.of()), d.waiting().getOrDefault(t.teamId, 0L), t.updatedAt);
    }

    private static boolean isDuplicateDefault(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (String.valueOf(c.getMessage()).contains("sales_team_one_default")) {
                return true;
            }
        }
        return false;
    }
}
