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

    /** Rep ids: a letter or digit, then letters, digits, '.', '_', '@' or '-', at most 128 characters in all. */
    public static final Pattern REP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");

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

    /**
     * The rep the caller is limited to, or {@code null} when it may act for any rep of its tenant: a token with
     * {@link Roles#REP} and neither {@link Roles#READ} nor {@link Roles#ADMIN} acts only for the rep its claim names
     * (the token checks have already refused such a token without a valid claim).
     */
    public String onlyRep() {
        var groups = token.getGroups();
        if (groups == null || !groups.contains(Roles.REP) || groups.contains(Roles.READ)
                || groups.contains(Roles.ADMIN)) {
            return null;
        }
        return token.getClaim(config.repClaim());
    }

    /** Whether the caller's token carries {@code role}. */
    public boolean hasRole(String role) {
        var groups = token.getGroups();
        return groups != null && groups.contains(role);
    }

    /** Whether the caller may see or act on what belongs to {@code repId}. */
    public boolean mayActFor(String repId) {
        String only = onlyRep();
        return only == null || only.equals(repId);
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
