package io.leadscore.notification.stream;

import java.time.Duration;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.notification.api.ApiErrors;
import io.leadscore.security.Roles;
import io.leadscore.security.TenantContext;
import io.smallrye.mutiny.Multi;

/** Server-Sent Events: a browser or CRM sidebar shows a rep's alerts the moment they are recorded. */
@Path("/v1/reps/{repId}/alerts/stream")
public class AlertStreamResource {

    private final TenantContext tenantContext;
    private final AlertStream stream;
    private final Duration heartbeat;

    public AlertStreamResource(TenantContext tenantContext, AlertStream stream,
            @ConfigProperty(name = "leadscore.notification.stream-heartbeat", defaultValue = "25s") Duration heartbeat) {
        this.tenantContext = tenantContext;
        this.stream = stream;
        this.heartbeat = heartbeat;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed({Roles.READ, Roles.ADMIN, Roles.REP})
    @Operation(summary = "A rep's alerts as they happen (text/event-stream)", description = "First a 'ready' event "
            + "once the subscription is live, then one 'alert' event per alert (id = alert id, data = JSON), and a "
            + "'ping' event every 25 s so proxies keep the connection open. A token with only the 'rep' role opens "
            + "the stream of the rep its 'rep' claim names, and no other (403).")
    public Multi<OutboundSseEvent> stream(@PathParam("repId") String repId, @Context Sse sse) {
        String tenant = tenantContext.tenant();
        if (!tenantContext.mayActFor(repId)) {
            // Refused before the stream starts, so the client gets a status and a reason instead of an empty stream.
            throw new WebApplicationException(ApiErrors.forbidden("this token belongs to rep '"
                    + tenantContext.onlyRep() + "' and can only open that rep's alert stream"));
        }
        Multi<OutboundSseEvent> alerts = stream.subscribe(tenant, repId)
                .map(a -> sse.newEventBuilder().name("alert").id(Long.toString(a.alertId()))
                        .mediaType(MediaType.TEXT_PLAIN_TYPE).data(json(a)).build());
        Multi<OutboundSseEvent> pings = Multi.createFrom().ticks().every(heartbeat)
                .map(t -> sse.newEventBuilder().name("ping").mediaType(MediaType.TEXT_PLAIN_TYPE).data("{}").build());
        // Alerts are subscribed first, so a client that has seen 'ready' cannot miss the next alert.
        Multi<OutboundSseEvent> ready = Multi.createFrom().item(() -> sse.newEventBuilder().name("ready")
                .mediaType(MediaType.TEXT_PLAIN_TYPE).data(json(java.util.Map.of("repId", repId))).build());
        return Multi.createBy().merging().streams(alerts, ready, pings);
    }

    private static String json(Object a) {
        try {
            return ContractsJson.mapper().writeValueAsString(a);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
