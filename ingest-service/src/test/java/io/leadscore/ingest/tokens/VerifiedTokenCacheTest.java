package io.leadscore.ingest.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Only tokens that passed full verification are answered from memory, only by their exact text, and never after they
 * expired. The full path (signature, issuer, expiry, revocation, tenant) is covered over HTTP by
 * {@code AuthenticationTest}.
 */
class VerifiedTokenCacheTest {

    final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    final Verifier verifier = new Verifier();
    final VerifiedTokenCache cache = new VerifiedTokenCache(verifier, now::get);

    @Test
    void aVerifiedTokenIsCheckedOnceAndThenAnsweredFromMemory() throws Exception {
        verifier.valid("good", now.get() / 1000 + 60);
        JsonWebToken first = cache.parse("good");
        assertSame(first, cache.parse("good"));
        assertSame(first, cache.parse("good"));
        assertEquals(1, verifier.calls("good"));
    }

    @Test
    void anExpiredTokenIsVerifiedAfreshAndSoRejected() throws Exception {
        verifier.valid("short", now.get() / 1000 + 2);
        cache.parse("short");
        now.addAndGet(2_000);
        verifier.revokeValidity("short");
        assertThrows(ParseException.class, () -> cache.parse("short"));
        assertEquals(2, verifier.calls("short"));
    }

    @Test
    void failuresAreNeverRemembered() {
        assertThrows(ParseException.class, () -> cache.parse("forged"));
        assertThrows(ParseException.class, () -> cache.parse("forged"));
        assertEquals(2, verifier.calls("forged"));
    }

    @Test
    void onlyTheExactTokenTextMatches() throws Exception {
        verifier.valid("good", now.get() / 1000 + 60);
        cache.parse("good");
        assertThrows(ParseException.class, () -> cache.parse("good "));
        assertThrows(ParseException.class, () -> cache.parse("goo"));
    }

    /** Stands in for signature and claim verification: knows which token texts are valid until when. */
    static final class Verifier extends DefaultJWTParser {

        private final Map<String, Long> expiry = new HashMap<>();
        private final Map<String, Integer> calls = new HashMap<>();

        void valid(String token, long expiresAtEpochSecond) {
            expiry.put(token, expiresAtEpochSecond);
        }

        void revokeValidity(String token) {
            expiry.remove(token);
        }

        int calls(String token) {
            return calls.getOrDefault(token, 0);
        }

        @Override
        public JsonWebToken parse(String token) throws ParseException {
            calls.merge(token, 1, Integer::sum);
            Long exp = expiry.get(token);
            if (exp == null) {
                throw new ParseException("invalid token");
            }
            return new Token(token, exp);
        }
    }

    record Token(String raw, long exp) implements JsonWebToken {

        @Override
        public String getName() {
            return "user";
        }

        @Override
        public Set<String> getClaimNames() {
            return Set.of("exp", "raw");
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getClaim(String claimName) {
            return switch (claimName) {
                case "exp" -> (T) Long.valueOf(exp);
                case "raw" -> (T) raw;
                default -> null;
            };
        }
    }
}
