package io.leadscore.scoring.rebuild;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.leadscore.scoring.api.ApiErrors;
import io.leadscore.security.Roles;
import io.leadscore.security.TenantContext;
import io.smallrye.mutiny.Uni;

@Path("/v1/admin/projections/rebuild")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class RebuildResource {

    private final TenantContext tenantContext;
    private final ProjectionRebuild rebuild;

    public RebuildResource(TenantContext tenantContext, ProjectionRebuild rebuild) {
        this.tenantContext = tenantContext;
        this.rebuild = rebuild;
    }

    @POST
    @Operation(summary = "Rebuild your tenant's score projection from the event log", description = "Runs in the "
            + "background; reads keep being served from the current projection until the new one is swapped in.")
    public Uni<Response> start() {
        String tenant = tenantContext.tenant();
        return rebuild.start(tenant).chain(id -> rebuild.status(tenant, id))
                .map(status -> Response.accepted(status).header("Location",
                        "/v1/admin/projections/rebuild/" + status.id()).build());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Progress of a rebuild: events done, rate, ETA")
    public Uni<Response> status(@PathParam("id") String id) {
        return rebuild.status(tenantContext.tenant(), id)
                .map(s -> s == null ? ApiErrors.notFound("no rebuild " + id) : Response.ok(s).build());
    }
}
