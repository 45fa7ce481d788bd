package io.leadscore.notification.delivery;

import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.leadscore.notification.api.ApiErrors;
import io.leadscore.notification.domain.DeliveryStatus;
import io.leadscore.security.Roles;
import io.leadscore.security.TenantContext;
import io.smallrye.mutiny.Uni;

/** The delivery log: one entry per (lead, transition, channel, rep), with every attempt and the provider's answer. */
@Path("/v1/notifications")
@Produces(MediaType.APPLICATION_JSON)
public class DeliveryLogResource {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;

    private final TenantContext tenantContext;
    private final DeliveryStore store;

    public DeliveryLogResource(TenantContext tenantContext, DeliveryStore store) {
        this.tenantContext = tenantContext;
        this.store = store;
    }

    @GET
    @RolesAllowed({Roles.READ, Roles.ADMIN, Roles.REP})
    @Operation(summary = "Deliveries, newest first", description = "Filter by leadId, repId and status (pending, "
            + "delivered, failed); limit 1-500 (default 100). Each entry: channel, repId, kind, status, reason and "
            + "every attempt with its time, outcome (delivered, retry, failed) and the provider's response. A token "
            + "with only the 'rep' role sees its rep's own deliveries (repId may be left out; another rep is 403).")
    public Uni<Response> list(@QueryParam("leadId") String leadId, @QueryParam("repId") String repId,
            @QueryParam("status") String status, @QueryParam("limit") String limit) {
        String tenant = tenantContext.tenant();
        String actingRep = tenantContext.onlyRep();
        if (actingRep != null) {
            if (repId != null && !repId.isBlank() && !repId.equals(actingRep)) {
                return Uni.createFrom().item(ApiErrors.forbidden("this token belongs to rep '" + actingRep
                        + "' and lists only that rep's deliveries, not repId=" + repId));
            }
            repId = actingRep;
        }
        if (status != null && DeliveryStatus.parse(status) == null) {
            return Uni.createFrom().item(ApiErrors.badRequest("status", "must be pending, delivered or failed"));
        }
        int max = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                max = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                max = -1;
            }
            if (max < 1 || max > MAX_LIMIT) {
                return Uni.createFrom().item(ApiErrors.badRequest("limit", "must be a whole number from 1 to "
                        + MAX_LIMIT));
            }
        }
        return store.log(tenant, blankToNull(leadId), blankToNull(repId), status, max)
                .map(entries -> Response.ok(Map.of("deliveries", entries)).build());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
