package io.leadscore.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/**
 * The local stack's token authority.
 *
 * <pre>
 * TokenMain keygen &lt;dir&gt;                                   creates signing-key.pem / verification-key.pem / key-id once
 * TokenMain mint &lt;dir&gt; &lt;tenant&gt; &lt;roles&gt; [&lt;ttl&gt;] [&lt;token-id&gt;] [--rep &lt;rep-id&gt;]
 *                                                          prints a signed token (ttl ISO-8601, default P30D)
 * TokenMain jwks &lt;dir&gt; [&lt;dir&gt; ...]                          prints the verification keys of these key directories
 *                                                          as one JWK set, each under its key id
 * </pre>
 *
 * A token with the {@code rep} role belongs to one sales rep: {@code --rep} names the rep in its {@code rep} claim.
 * Every token names its key in the {@code kid} header: the directory's {@code key-id} ({@code leadscore-local} for a
 * directory made before key ids, which is what its tokens carry). Services given a JWK set instead of one PEM key
 * verify each token with the key of its {@code kid}, so an old and a new key can both be trusted while tokens are
 * re-issued (docs/operations.md, "Rotate keys and secrets").
 */
public final class TokenMain {

    static final String ISSUER = "leadscore";
    static final String KEY_ID_FILE = "key-id";
    /** The key id of every token minted before key directories had a {@code key-id} file. */
    static final String LEGACY_KEY_ID = "leadscore-local";
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Set<String> ROLES = Set.of("ingest", "read", "admin", "rep");
    /** As the services' {@code TenantContext.REP_ID} (this module does not depend on theirs). */
    private static final Pattern REP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");

    private TokenMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("keygen")) {
            keygen(Path.of(args[1]));
        } else if (args.length >= 2 && args[0].equals("jwks")) {
            try {
                System.out.println(jwks(Arrays.stream(args).skip(1).map(Path::of).toList()));
            } catch (IllegalArgumentException e) {
                System.err.println("jwks: " + e.getMessage());
                System.exit(2);
            }
        } else if (args.length >= 4 && args[0].equals("mint")) {
            java.util.List<String> positional = new java.util.ArrayList<>(Arrays.asList(args));
            String rep = null;
            int flag = positional.indexOf("--rep");
            if (flag >= 0) {
                if (flag + 1 >= positional.size()) {
                    usage();
                }
                rep = positional.get(flag + 1);
                positional.subList(flag, flag + 2).clear();
            }
            if (positional.size() < 4) {
                usage();
            }
            Duration ttl = positional.size() >= 5 ? Duration.parse(positional.get(4)) : Duration.ofDays(30);
            String tokenId = positional.size() >= 6 ? positional.get(5) : UUID.randomUUID().toString();
            try {
                System.out.println(mint(Path.of(positional.get(1)), positional.get(2), positional.get(3), ttl, tokenId,
                        rep));
            } catch (IllegalArgumentException e) {
                System.err.println("token: " + e.getMessage());
                System.exit(2);
            }
        } else {
            usage();
        }
    }

    private static void usage() {
        System.err.println("usage: TokenMain keygen <dir> | mint <dir> <tenant> <role,role> [<ttl>] [<token-id>] "
                + "[--rep <rep-id>] | jwks <dir> [<dir> ...]");
        System.exit(2);
    }

    static void keygen(Path dir) throws Exception {
        Path signing = dir.resolve("signing-key.pem");
        if (Files.exists(signing)) {
            return;
        }
        Files.createDirectories(dir);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Files.writeString(signing, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(signing, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve("verification-key.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()),
                StandardCharsets.US_ASCII);
        // Named after the key itself (its RFC 7638 thumbprint), so two pairs made for a rotation never share an id.
        var jwk = PublicJsonWebKey.Factory.newPublicJwk(pair.getPublic());
        Files.writeString(dir.resolve(KEY_ID_FILE), "ls-" + jwk.calculateBase64urlEncodedThumbprint("SHA-256")
                .substring(0, 16) + "\n", StandardCharsets.US_ASCII);
    }

    /** The {@code kid} of the tokens signed with {@code dir}'s key. */
    static String keyId(Path dir) throws IOException {
        Path file = dir.resolve(KEY_ID_FILE);
        if (!Files.exists(file)) {
            return LEGACY_KEY_ID;
        }
        String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (id.isEmpty()) {
            throw new IllegalArgumentException(file + " is empty; it names the key in every token signed with it");
        }
        return id;
    }

    /**
     * The verification keys of the key directories as one JWK set (RS256 signature keys, each with its directory's key
     * id): what the services' {@code mp.jwt.verify.publickey.location} may hold instead of one PEM key.
     */
    static String jwks(List<Path> dirs) throws Exception {
        List<JsonWebKey> keys = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Path dir : dirs) {
            Path pem = dir.resolve("verification-key.pem");
            if (!Files.exists(pem)) {
                throw new IllegalArgumentException("no verification-key.pem in " + dir);
            }
            String kid = keyId(dir);
            if (!ids.add(kid)) {
                throw new IllegalArgumentException("key id " + kid + " of " + dir + " is listed twice");
            }
            java.security.PublicKey key;
            try {
                key = KeyUtils.decodePublicKey(Files.readString(pem));
            } catch (Exception e) {
                throw new IllegalArgumentException(pem + " is not a PEM public key (" + e.getMessage() + ")");
            }
            var jwk = PublicJsonWebKey.Factory.newPublicJwk(key);
            jwk.setKeyId(kid);
            jwk.setUse("sig");
            jwk.setAlgorithm("RS256");
            keys.add(jwk);
        }
        return new JsonWebKeySet(keys).toJson();
    }

    static String mint(Path dir, String tenant, String roles, Duration ttl, String tokenId) throws Exception {
        return mint(dir, tenant, roles, ttl, tokenId, null);
    }

    static String mint(Path dir, String tenant, String roles, Duration ttl, String tokenId, String rep)
            throws Exception {
        if (!TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("tenant must match " + TENANT.pattern() + ": " + tenant);
        }
        var groups = new LinkedHashSet<>(Arrays.asList(roles.split(",")));
        for (String role : groups) {
            if (!ROLES.contains(role)) {
                throw new IllegalArgumentException("unknown role '" + role + "' (roles: ingest, read, admin, rep)");
            }
        }
        if (groups.contains("rep") != (rep != null)) {
            throw new IllegalArgumentException(rep == null
                    ? "the rep role needs --rep <rep-id>"
                    : "--rep is only for tokens with the rep role");
        }
        if (rep != null && !REP_ID.matcher(rep).matches()) {
            throw new IllegalArgumentException("rep id must match " + REP_ID.pattern() + ": " + rep);
        }
        var key = KeyUtils.decodePrivateKey(Files.readString(dir.resolve("signing-key.pem")));
        Instant now = Instant.now();
        var claims = Jwt.issuer(ISSUER)
                .subject(rep != null ? rep + "@" + tenant : "local-" + tenant)
                .claim("tenant", tenant)
                .claim("jti", tokenId)
                .groups(groups)
                .issuedAt(now)
                .expiresAt(now.plus(ttl));
        if (rep != null) {
            claims.claim("rep", rep);
        }
        return claims.jws().keyId(keyId(dir)).sign(key);
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
