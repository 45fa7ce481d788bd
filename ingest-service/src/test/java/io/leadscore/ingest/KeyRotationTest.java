package io.leadscore.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.Test;

import io.leadscore.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/**
 * A key rotation as docs/operations.md describes it: the verification key location holds a JWK set of the current key
 * ({@code leadscore-test}, what {@link Tokens} signs with) and the next one, and the service accepts tokens of both,
 * each checked against the key its {@code kid} names.
 */
@QuarkusTest
@WithTestResource(KeyRotationTest.TwoKeys.class)
class KeyRotationTest {

    static final KeyPair NEXT = newKeyPair();

    /** This service's test infrastructure, with a JWK set of two keys as the verification key. */
    public static class TwoKeys extends IngestTestInfra {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = new java.util.HashMap<>(super.start());
            try (InputStream in = Tokens.class.getClassLoader().getResourceAsStream(Tokens.VERIFICATION_KEY_RESOURCE)) {
                PublicKey current = KeyUtils.decodePublicKey(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
                Path set = Files.createTempFile("verification-keys", ".json");
                Files.writeString(set, new JsonWebKeySet(List.of(jwk(current, "leadscore-test"),
                        jwk(NEXT.getPublic(), "leadscore-next"))).toJson());
                config.put("mp.jwt.verify.publickey.location", set.toString());
                return config;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException | JoseException e) {
                throw new IllegalStateException(e);
            }
        }

        private static JsonWebKey jwk(PublicKey key, String kid) throws JoseException {
            var jwk = PublicJsonWebKey.Factory.newPublicJwk(key);
            jwk.setKeyId(kid);
            return jwk;
        }
    }

    @Test
    void tokensOfTheCurrentAndTheNextKeyAreBothAcceptedAndNothingElse() {
        assertEquals(202, AuthenticationTest.post(Tokens.bearer(Tokens.token("acme", "ingest"))), "current key");
        assertEquals(202, AuthenticationTest.post(Tokens.bearer(token("leadscore-next", NEXT.getPrivate()))),
                "next key");
        assertEquals(401, AuthenticationTest.post(Tokens.bearer(token("leadscore-test", NEXT.getPrivate()))),
                "signed with the next key but naming the current one");
        assertEquals(401, AuthenticationTest.post(Tokens.bearer(token("leadscore-gone", NEXT.getPrivate()))),
                "a key id outside the set");
        assertEquals(401, AuthenticationTest.post(Tokens.bearer(Tokens.tokenSignedByAnotherKey("acme", "ingest"))),
                "an untrusted key under the current key's id");
    }

    private static String token(String kid, PrivateKey key) {
        return Jwt.issuer(Tokens.ISSUER).subject("rotation@acme").groups("ingest").claim("tenant", "acme")
                .claim("jti", java.util.UUID.randomUUID().toString()).expiresIn(3600).jws().keyId(kid).sign(key);
    }

    private static KeyPair newKeyPair() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
