package io.leadscore.ingest.imports;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.leadscore.ingest.events.ErrorResponse;
import io.leadscore.security.Roles;
import io.leadscore.security.TenantContext;

/** Progress of bulk imports, answered from the database so any replica can answer. */
@Path("/v1/imports")
public class ImportsResource {

    private final TenantContext tenantContext;
    private final ImportRepository imports;

    public ImportsResource(TenantContext tenantContext, ImportRepository imports) {
        this.tenantContext = tenantContext;
        this.imports = imports;
    }

    @GET
    @Path("/{importId}")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.INGEST, Roles.READ, Roles.ADMIN})
    @Operation(summary = "Progress and outcome of a bulk import of your tenant")
    public io.smallrye.mutiny.Uni<Response> get(@PathParam("importId") String importId) {
        return imports.find(tenantContext.tenant(), importId).map(found -> found
                .map(s -> Response.ok(s).build())
                .orElseGet(() -> Response.status(404).entity(ErrorResponse.of("no import " + importId)).build()));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.INGEST, Roles.READ, Roles.ADMIN})
    @Operation(summary = "Your tenant's 50 most recent imports")
    public io.smallrye.mutiny.Uni<List<ImportStatus>> list() {
        return imports.recent(tenantContext.tenant(), 50);
    }

}
