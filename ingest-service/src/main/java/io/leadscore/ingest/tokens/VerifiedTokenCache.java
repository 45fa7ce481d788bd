package io.leadscore.ingest.tokens;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.function.LongSupplier;

import javax.crypto.SecretKey;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Remembers tokens that passed full verification, so a client sending many small requests with the same token pays
 * for the RSA signature check and claim parsing once, not per request (it was a fifth of ingest's CPU with
 * single-event requests). The key is the whole token string: only the exact bytes that were verified are accepted
 * from memory. A remembered token is re-verified once it has expired (and so rejected exactly as before) and at the
 * latest after {@link #REVERIFY_AFTER}; revocation and tenant checks still run on every request
 * ({@code io.leadscore.security.TokenChecks}). Failures are never remembered.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokenCache implements JWTParser {

    static final Duration REVERIFY_AFTER = Duration.ofMinutes(5);
    static final int MAX_TOKENS = 1000;

    private final DefaultJWTParser verifier;
    private final LongSupplier epochMillis;
    private final Cache<String, JsonWebToken> verified = Caffeine.newBuilder().maximumSize(MAX_TOKENS)
            .expireAfterWrite(REVERIFY_AFTER).build();

    @Inject
    public VerifiedTokenCache(DefaultJWTParser verifier) {
        this(verifier, System::currentTimeMillis);
    }

    VerifiedTokenCache(DefaultJWTParser verifier, LongSupplier epochMillis) {
        this.verifier = verifier;
        this.epochMillis = epochMillis;
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        JsonWebToken known = verified.getIfPresent(token);
        if (known != null && !expired(known)) {
            return known;
        }
        JsonWebToken fresh = verifier.parse(token);
        if (!expired(fresh)) {
            verified.put(token, fresh);
        }
        return fresh;
    }

    /** True when the token has no expiry or it has passed (such a token is always verified afresh). */
    private boolean expired(JsonWebToken token) {
        long expiresAt = token.getExpirationTime();
        return expiresAt <= 0 || expiresAt * 1000 <= epochMillis.getAsLong();
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return verifier.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return verifier.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return verifier.parseOnly(token);
    }
}
