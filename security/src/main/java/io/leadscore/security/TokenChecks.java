package io.leadscore.security;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Rejects, with 401, authenticated requests whose token has been revoked or names no valid tenant. Signature,
 * issuer and expiry are checked before this by SmallRye JWT.
 */
public class TokenChecks {

    private final SecurityIdentity identity;
    private final RevokedTokens revokedTokens;
    private final SecurityConfig config;

    public TokenChecks(SecurityIdentity identity, RevokedTokens revokedTokens, SecurityConfig config) {
        this.identity = identity;
        this.revokedTokens = revokedTokens;
        this.config = config;
    }

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext request) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return null;
        }
        String tenant = token.getClaim(config.tenantClaim());
        if (tenant == null || !TenantContext.TENANT_ID.matcher(tenant).matches()) {
            return unauthorized("token has no valid '" + config.tenantClaim() + "' claim");
        }
        if (token.getGroups() != null && token.getGroups().contains(Roles.REP)) {
            Object rep = token.getClaim(config.repClaim());
            if (!(rep instanceof String repId) || !TenantContext.REP_ID.matcher(repId).matches()) {
                return unauthorized("token has the '" + Roles.REP + "' role but no valid '" + config.repClaim()
                        + "' claim naming the rep");
            }
        }
        if (revokedTokens.isRevoked(tenant, token.getTokenID())) {
            return unauthorized("token has been revoked");
        }
        return null;
    }

    private static Response unauthorized(String message) {
        return Response.status(Response.Status.UNAUTHORIZED)
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                .type(MediaType.APPLICATION_JSON)
                .entity(java.util.Map.of("errors", java.util.List.of(java.util.Map.of("message", message))))
                .build();
    }
}
