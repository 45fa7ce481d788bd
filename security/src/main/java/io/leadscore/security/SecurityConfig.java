package io.leadscore.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "leadscore.security")
public interface SecurityConfig {

    /** The JWT claim that names the caller's tenant. */
    @WithDefault("tenant")
    String tenantClaim();

    /** The JWT claim that names the rep a {@link Roles#REP} token belongs to. */
    @WithDefault("rep")
    String repClaim();

    /** Whether to follow the token-revocations topic (off only in narrow unit tests without a broker). */
    @WithDefault("true")
    boolean revocationsEnabled();
}
