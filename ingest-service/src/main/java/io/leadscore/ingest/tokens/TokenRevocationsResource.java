package io.leadscore.ingest.tokens;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.contracts.TokenRevoked;
import io.leadscore.contracts.Topics;
import io.leadscore.ingest.events.ErrorResponse;
import io.leadscore.ingest.events.EventProblem;
import io.leadscore.security.RevokedTokens;
import io.leadscore.security.Roles;
import io.leadscore.security.TenantContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Revokes one of the caller's tenant's tokens by id. The revocation is published to the compacted
 * {@code token-revocations} topic that every service follows, so it takes effect everywhere without a redeploy.
 */
@Path("/v1/tokens/revocations")
@RolesAllowed(Roles.ADMIN)
public class TokenRevocationsResource {

    private static final Pattern TOKEN_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /** {@code expiresAt} as text, so a malformed one gets this API's error naming the field, not the framework's. */
    public record RevokeRequest(String tokenId, String expiresAt) {
    }

    private final TenantContext tenantContext;
    private final RevokedTokens revokedTokens;
    private final ObjectMapper mapper;

    @Inject
    @Channel(Topics.TOKEN_REVOCATIONS)
    MutinyEmitter<String> emitter;

    public TokenRevocationsResource(TenantContext tenantContext, RevokedTokens revokedTokens, ObjectMapper mapper) {
        this.tenantContext = tenantContext;
        this.revokedTokens = revokedTokens;
        this.mapper = mapper;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Revoke a token of your tenant by its id (jti)", description = "Every service rejects the "
            + "token with 401 within about a second.")
    public Uni<Response> revoke(RevokeRequest request) throws JsonProcessingException {
        if (request == null || request.tokenId() == null || !TOKEN_ID.matcher(request.tokenId()).matches()) {
            return Uni.createFrom().item(Response.status(400).entity(new ErrorResponse(List.of(
                    new EventProblem(null, "tokenId", "is required: the token's jti, " + TOKEN_ID.pattern()))))
                    .build());
        }
        Instant expiresAt;
        try {
            expiresAt = request.expiresAt() == null ? null : OffsetDateTime.parse(request.expiresAt()).toInstant();
        } catch (DateTimeParseException e) {
            return Uni.createFrom().item(Response.status(400).entity(new ErrorResponse(List.of(
                    new EventProblem(null, "expiresAt", "'" + request.expiresAt() + "' is not an ISO-8601 instant "
                            + "with offset such as 2026-12-01T00:00:00Z"))))
                    .build());
        }
        Instant now = Instant.now();
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            // Every service forgets a revocation once it expires, so this one would be gone at once.
            return Uni.createFrom().item(Response.status(400).entity(new ErrorResponse(List.of(
                    new EventProblem(null, "expiresAt", "must be in the future, not " + expiresAt
                            + ": the revocation is forgotten once it expires; give the token's own expiry (its exp), "
                            + "or leave expiresAt out to revoke it for good"))))
                    .build());
        }
        var revocation = new TokenRevoked(TokenRevoked.CURRENT_SCHEMA_VERSION, tenantContext.tenant(),
                request.tokenId(), now, tenantContext.principal(), expiresAt);
        var metadata = OutgoingKafkaRecordMetadata.<String>builder().withKey(revocation.key()).build();
        return emitter.sendMessage(Message.of(mapper.writeValueAsString(revocation)).addMetadata(metadata))
                .invoke(() -> revokedTokens.apply(revocation))
                .map(ignored -> Response.accepted(revocation).build());
    }
}
