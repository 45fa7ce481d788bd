package io.leadscore.security;

import java.util.regex.Pattern;

import jakarta.enterprise.context.RequestScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The tenant of the current request. It always comes from the verified token, never from a body, path or header the
 * caller controls, so one tenant can never name another's data.
 */
@RequestScoped
public class TenantContext {

    /** Tenant ids are short, lower-case and URL- and key-safe (see {@code MessageKeys}). */
    public static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final JsonWebToken token;
    private final SecurityConfig config;

    public TenantContext(JsonWebToken token, SecurityConfig config) {
        this.token = token;
        this.config = config;
    }

    /** The caller's tenant; the revocation filter has already rejected tokens without a valid one. */
    public String tenant() {
        String tenant = token.getClaim(config.tenantClaim());
        if (tenant == null || !TENANT_ID.matcher(tenant).matches()) {
            throw new IllegalStateException("Request has no valid tenant claim");
        }
        return tenant;
    }

    /** Who is calling, for audit fields such as "published by". */
    public String principal() {
        String subject = token.getSubject();
        return subject != null ? subject : token.getName();
    }

    public String tokenId() {
        return token.getTokenID();
    }
}
