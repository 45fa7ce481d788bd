package io.leadscore.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/**
 * Signed tokens for tests, made with the test signing key whose public half {@link LeadscoreInfra} configures as the
 * services' verification key. Never used outside tests.
 */
public final class Tokens {

    public static final String ISSUER = "leadscore";
    public static final String VERIFICATION_KEY_RESOURCE = "io/leadscore/testing/test-verification-key.pem";
    private static final String SIGNING_KEY_RESOURCE = "io/leadscore/testing/test-signing-key.pem";
    private static PrivateKey signingKey;

    private Tokens() {
    }

    /** A valid token for {@code tenant} with the given roles, valid for an hour. */
    public static String token(String tenant, String... roles) {
        return build(UUID.randomUUID().toString(), tenant, Instant.now().plus(Duration.ofHours(1)), signingKey(), roles);
    }

    /** A valid token with a chosen token id (to revoke it later). */
    public static String tokenWithId(String tokenId, String tenant, String... roles) {
        return build(tokenId, tenant, Instant.now().plus(Duration.ofHours(1)), signingKey(), roles);
    }

    /**
     * A sales rep's own token: the {@code rep} role and a {@code rep} claim naming {@code repId} (null: none), plus any
     * {@code moreRoles}.
     */
    public static String repToken(String tenant, String repId, String... moreRoles) {
        Set<String> roles = new java.util.HashSet<>(Set.of(moreRoles));
        roles.add("rep");
        var claims = Jwt.issuer(ISSUER)
                .subject(repId + "@" + tenant)
                .groups(roles)
                .claim("jti", UUID.randomUUID().toString())
                .claim("tenant", tenant)
                .issuedAt(Instant.now().minus(Duration.ofMinutes(1)))
                .expiresAt(Instant.now().plus(Duration.ofHours(1)));
        if (repId != null) {
            claims.claim("rep", repId);
        }
        return claims.jws().keyId("leadscore-test").sign(signingKey());
    }

    /** A valid token that expires {@code validFor} from now. */
    public static String tokenExpiringIn(Duration validFor, String tenant, String... roles) {
        return build(UUID.randomUUID().toString(), tenant, Instant.now().plus(validFor), signingKey(), roles);
    }

    public static String expiredToken(String tenant, String... roles) {
        return build(UUID.randomUUID().toString(), tenant, Instant.now().minus(Duration.ofHours(1)), signingKey(), roles);
    }

    /** Well-formed and unexpired, but signed by a key the services do not trust. */
    public static String tokenSignedByAnotherKey(String tenant, String... roles) {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return build(UUID.randomUUID().toString(), tenant, Instant.now().plus(Duration.ofHours(1)),
                    generator.generateKeyPair().getPrivate(), roles);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    private static String build(String tokenId, String tenant, Instant expiresAt, PrivateKey key, String... roles) {
        var claims = Jwt.issuer(ISSUER)
                .subject("test-user@" + (tenant == null ? "none" : tenant))
                .groups(Set.of(roles))
                .claim("jti", tokenId)
                .issuedAt(expiresAt.minus(Duration.ofHours(2)))
                .expiresAt(expiresAt);
        if (tenant != null) {
            claims.claim("tenant", tenant);
        }
        return claims.jws().keyId("leadscore-test").sign(key);
    }

    private static synchronized PrivateKey signingKey() {
        if (signingKey == null) {
            try (InputStream in = Tokens.class.getClassLoader().getResourceAsStream(SIGNING_KEY_RESOURCE)) {
                signingKey = KeyUtils.decodePrivateKey(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException | java.security.GeneralSecurityException e) {
                throw new IllegalStateException("Cannot read the test signing key", e);
            }
        }
        return signingKey;
    }
}
