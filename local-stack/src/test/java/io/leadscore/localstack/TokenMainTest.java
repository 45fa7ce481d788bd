package io.leadscore.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/**
 * The token tool's key rotation: a JWK set of an old and a new key, given to the services as their verification key,
 * trusts the tokens of both and nothing else. Verified with smallrye-jwt, the verifier the services run.
 */
class TokenMainTest {

    @TempDir
    Path tmp;

    @Test
    void aJwkSetOfTheOldAndTheNewKeyVerifiesTheTokensOfBothAndNoOthers() throws Exception {
        Path old = keys("old");
        Path next = keys("next");
        Path stranger = keys("stranger");
        assertNotEquals(TokenMain.keyId(old), TokenMain.keyId(next), "each pair gets its own key id");
        assertTrue(TokenMain.keyId(old).matches("ls-[A-Za-z0-9_-]{16}"), TokenMain.keyId(old));
        Path set = tmp.resolve("verification-keys.json");
        Files.writeString(set, TokenMain.jwks(List.of(old, next)));

        String oldToken = TokenMain.mint(old, "acme", "ingest", Duration.ofHours(1), "t-old");
        String newToken = TokenMain.mint(next, "acme", "ingest,read", Duration.ofHours(1), "t-new");
        assertEquals("t-old", verify(set, oldToken).getTokenID());
        assertEquals("t-new", verify(set, newToken).getTokenID());

        // After the rotation the set holds only the new key: the old tokens are refused.
        Path after = tmp.resolve("after.json");
        Files.writeString(after, TokenMain.jwks(List.of(next)));
        assertEquals("t-new", verify(after, newToken).getTokenID());
        assertThrows(ParseException.class, () -> verify(after, oldToken));

        // A key outside the set, and a token that names a trusted key id but is signed with another key, are refused.
        assertThrows(ParseException.class,
                () -> verify(set, TokenMain.mint(stranger, "acme", "ingest", Duration.ofHours(1), "t-x")));
        String forged = Jwt.issuer(TokenMain.ISSUER).subject("x@acme").claim("tenant", "acme").claim("jti", "t-forged")
                .groups("admin").expiresIn(3600).jws().keyId(TokenMain.keyId(old))
                .sign(KeyUtils.decodePrivateKey(Files.readString(stranger.resolve("signing-key.pem"))));
        assertThrows(ParseException.class, () -> verify(set, forged));
        // With several keys, a token must say which one signed it.
        String noKeyId = Jwt.issuer(TokenMain.ISSUER).subject("x@acme").claim("tenant", "acme").claim("jti", "t-nokid")
                .groups("read")
                .expiresIn(3600).jws().sign(KeyUtils.decodePrivateKey(Files.readString(next.resolve("signing-key.pem"))));
        assertThrows(ParseException.class, () -> verify(set, noKeyId));
        // With one key left in the set, smallrye-jwt checks such a token against it.
        assertEquals("t-nokid", verify(after, noKeyId).getTokenID());
    }

    @Test
    void aKeyDirectoryFromBeforeKeyIdsKeepsTheIdItsTokensCarry() throws Exception {
        Path legacy = keys("legacy");
        Files.delete(legacy.resolve(TokenMain.KEY_ID_FILE));
        Path next = keys("next");
        String token = TokenMain.mint(legacy, "acme", "read", Duration.ofHours(1), "t-legacy");
        Path set = tmp.resolve("keys.json");
        Files.writeString(set, TokenMain.jwks(List.of(legacy, next)));
        assertTrue(Files.readString(set).contains("\"kid\":\"leadscore-local\""), Files.readString(set));
        assertEquals("t-legacy", verify(set, token).getTokenID());
        // The PEM key alone, as the services have it before a rotation, still verifies it.
        assertEquals("t-legacy", verify(legacy.resolve("verification-key.pem"), token).getTokenID());
    }

    @Test
    void aKeyListedTwiceOrMissingIsRefusedWithItsName() throws Exception {
        Path old = keys("old");
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> TokenMain.jwks(List.of(old, old)));
        assertEquals("key id " + TokenMain.keyId(old) + " of " + old + " is listed twice", twice.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> TokenMain.jwks(List.of(tmp.resolve("nowhere"))));
        assertEquals("no verification-key.pem in " + tmp.resolve("nowhere"), missing.getMessage());
        Path garbled = keys("garbled");
        Files.writeString(garbled.resolve("verification-key.pem"), "not a key");
        IllegalArgumentException notAKey = assertThrows(IllegalArgumentException.class,
                () -> TokenMain.jwks(List.of(garbled)));
        assertTrue(notAKey.getMessage().startsWith(garbled.resolve("verification-key.pem") + " is not a PEM public key"),
                notAKey.getMessage());
        Path unnamed = keys("unnamed");
        Files.writeString(unnamed.resolve(TokenMain.KEY_ID_FILE), "\n");
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> TokenMain.jwks(List.of(unnamed)));
        assertTrue(empty.getMessage().endsWith("key-id is empty; it names the key in every token signed with it"),
                empty.getMessage());
    }

    private Path keys(String name) throws Exception {
        Path dir = tmp.resolve(name);
        TokenMain.keygen(dir);
        return dir;
    }

    private static JsonWebToken verify(Path keyLocation, String token) throws ParseException {
        return new DefaultJWTParser(new JWTAuthContextInfo(keyLocation.toString(), TokenMain.ISSUER)).parse(token);
    }
}
