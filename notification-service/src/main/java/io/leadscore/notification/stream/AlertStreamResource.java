package io.leadscore.notification.stream;

import java.time.Duration;
import java.time.Instant;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.notification.api.ApiErrors;
import io.leadscore.security.RevokedTokens;
import io.leadscore.security.Roles;
import io.leadscore.security.TenantContext;
import io.smallrye.mutiny.Multi;

/** Server-Sent Events: a browser or CRM sidebar shows a rep's alerts the moment they are recorded. */
@Path("/v1/reps/{repId}/alerts/stream")
public class AlertStreamResource {

    private final TenantContext tenantContext;
    private final JsonWebToken token;
    private final RevokedTokens revokedTokens;
    private final AlertStream stream;
    private final Duration heartbeat;

    public AlertStreamResource(TenantContext tenantContext, JsonWebToken token, RevokedTokens revokedTokens,
            AlertStream stream,
            @ConfigProperty(name = "leadscore.notification.stream-heartbeat", defaultValue = "25s") Duration heartbeat) {
        this.tenantContext = tenantContext;
        this.token = token;
        this.revokedTokens = revokedTokens;
        this.stream = stream;
        this.heartbeat = heartbeat;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed({Roles.READ, Roles.ADMIN, Roles.REP})
    @Operation(summary = "A rep's alerts as they happen (text/event-stream)", description = "First a 'ready' event "
            + "once the subscription is live, then one 'alert' event per alert (id = alert id, data = JSON), and a "
            + "'ping' event every 25 s so proxies keep the connection open. A token with only the 'rep' role opens "
            + "the stream of the rep its 'rep' claim names, and no other (403). A reconnecting client's "
            + "Last-Event-ID header replays the rep's alerts recorded since that alert (at most the newest 1,000) "
            + "before the live ones. The stream ends when its token expires, and at the next alert or ping after "
            + "the token is revoked.")
    public Multi<OutboundSseEvent> stream(@PathParam("repId") String repId,
            @HeaderParam("Last-Event-ID") String lastEventId, @Context Sse sse) {
        String tenant = tenantContext.tenant();
        if (!tenantContext.mayActFor(repId)) {
            // Refused before the stream starts, so the client gets a status and a reason instead of an empty stream.
            throw new WebApplicationException(ApiErrors.forbidden("this token belongs to rep '"
                    + tenantContext.onlyRep() + "' and can only open that rep's alert stream"));
        }
        Long after = lastAlertSeen(lastEventId);
        Multi<StreamedAlert> subscription = after == null
                ? stream.subscribe(tenant, repId)
                : stream.subscribe(tenant, repId, after);
        Multi<OutboundSseEvent> alerts = subscription
                .map(a -> sse.newEventBuilder().name("alert").id(Long.toString(a.alertId()))
                        .mediaType(MediaType.TEXT_PLAIN_TYPE).data(json(a)).build());
        Multi<OutboundSseEvent> pings = Multi.createFrom().ticks().every(heartbeat)
                .map(t -> sse.newEventBuilder().name("ping").mediaType(MediaType.TEXT_PLAIN_TYPE).data("{}").build());
        // Alerts are subscribed first, so a client that has seen 'ready' cannot miss the next alert.
        Multi<OutboundSseEvent> ready = Multi.createFrom().item(() -> sse.newEventBuilder().name("ready")
                .mediaType(MediaType.TEXT_PLAIN_TYPE).data(json(java.util.Map.of("repId", repId))).build());
        // The token was checked when the stream opened; a stream outlives neither the token nor its revocation.
        String tokenId = tenantContext.tokenId();
        Multi<OutboundSseEvent> events = Multi.createBy().merging().streams(alerts, ready, pings)
                .select().first(event -> tokenId == null || !revokedTokens.isRevoked(tenant, tokenId));
        long expiresAt = token.getExpirationTime();
        if (expiresAt > 0) {
            Duration left = Duration.between(Instant.now(), Instant.ofEpochSecond(expiresAt));
            events = events.select().first(left.isNegative() ? Duration.ZERO : left);
        }
        return events;
    }

    /** The alert id of a reconnecting client's {@code Last-Event-ID}; null when absent. */
    private static Long lastAlertSeen(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return null;
        }
        try {
            long id = Long.parseLong(lastEventId.strip());
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new WebApplicationException(ApiErrors.badRequest("Last-Event-ID", "'" + lastEventId
                + "' is not the id of an alert event (a non-negative number)"));
    }

    private static String json(Object a) {
        try {
            return ContractsJson.mapper().writeValueAsString(a);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
