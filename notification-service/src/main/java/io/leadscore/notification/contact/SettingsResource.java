package io.leadscore.notification.contact;

import java.time.Clock;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.leadscore.notification.api.ApiErrors;
import io.leadscore.notification.domain.AlertKind;
import io.leadscore.security.Roles;
import io.leadscore.security.TenantContext;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;

/** The tenant's notification settings: which alert kinds are sent at all. */
@Path("/v1/notification-settings")
@Produces(MediaType.APPLICATION_JSON)
public class SettingsResource {

    private final TenantContext tenantContext;
    private final TenantSettingsStore store;
    private final PgPool pool;
    private final Clock clock;

    public SettingsResource(TenantContext tenantContext, TenantSettingsStore store, PgPool pool, Clock clock) {
        this.tenantContext = tenantContext;
        this.store = store;
        this.pool = pool;
        this.clock = clock;
    }

    @GET
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "Which alert kinds the tenant sends (all of them until set)")
    public Uni<Map<String, Object>> get() {
        return store.enabledKinds(pool, tenantContext.tenant()).map(SettingsResource::view);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Choose which alert kinds are sent", description = "{\"alertKinds\": [\"sql\", "
            + "\"escalation\"]}: kinds left out alert nobody. Routing's alertStages still decide which stages alert.")
    public Uni<Response> put(Map<String, Object> body) {
        String tenant = tenantContext.tenant();
        String by = tenantContext.principal();
        if (body == null || !(body.get("alertKinds") instanceof Collection<?> list)) {
            return Uni.createFrom().item(ApiErrors.badRequest("alertKinds", "must be an array of alert kinds"));
        }
        for (String key : body.keySet()) {
            if (!"alertKinds".equals(key)) {
                return Uni.createFrom().item(ApiErrors.badRequest(key, "unknown field; expected alertKinds"));
            }
        }
        Set<AlertKind> kinds = EnumSet.noneOf(AlertKind.class);
        int i = 0;
        for (Object item : list) {
            AlertKind kind = item instanceof String s ? AlertKind.parse(s) : null;
            if (kind == null) {
                return Uni.createFrom().item(ApiErrors.badRequest("alertKinds[" + i + "]", "unknown alert kind "
                        + item + "; expected one of mql, sql, escalation, reassignment"));
            }
            kinds.add(kind);
            i++;
        }
        return store.save(pool, tenant, kinds, clock.instant(), by)
                .map(ignored -> Response.ok(view(kinds)).build());
    }

    private static Map<String, Object> view(Set<AlertKind> kinds) {
        List<String> wire = kinds.stream().map(AlertKind::wire).toList();
        return Map.of("alertKinds", wire);
    }
}
