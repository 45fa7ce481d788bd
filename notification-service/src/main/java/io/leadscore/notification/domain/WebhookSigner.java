package io.leadscore.notification.domain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): {@code v1,} + base64 HMAC-SHA256 of
 * {@code id.timestamp.body}, keyed with the secret's bytes ({@code whsec_} + base64). While a secret is being rotated
 * the message is signed with both the new and the previous secret, space-separated, so receivers verify against either.
 */
public final class WebhookSigner {

    public static final String SECRET_PREFIX = "whsec_";
    /** The spec asks for 24 to 64 random bytes. */
    public static final int MIN_SECRET_BYTES = 24;
    public static final int MAX_SECRET_BYTES = 64;

    private WebhookSigner() {
    }

    /** A new secret from {@code randomBytes} (24–64 of them, from a secure random source). */
    public static String newSecret(byte[] randomBytes) {
        if (randomBytes.length < MIN_SECRET_BYTES || randomBytes.length > MAX_SECRET_BYTES) {
            throw new IllegalArgumentException("a secret needs 24 to 64 random bytes");
        }
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(randomBytes);
    }

    /** Why {@code secret} is not a valid Standard Webhooks secret, or null when it is. */
    public static String problem(String secret) {
        if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
            return "must start with '" + SECRET_PREFIX + "'";
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return "must be '" + SECRET_PREFIX + "' followed by base64";
        }
        if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
            return "must encode 24 to 64 bytes (it encodes " + key.length + ")";
        }
        return null;
    }

    /** One signature: {@code v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>}. */
    public static String sign(String secret, String messageId, long timestampSeconds, String body) {
        byte[] key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal((messageId + "." + timestampSeconds + "." + body)
                    .getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** The {@code webhook-signature} header value: one signature per secret, space-separated. */
    public static String signatureHeader(List<String> secrets, String messageId, long timestampSeconds, String body) {
        return secrets.stream().map(s -> sign(s, messageId, timestampSeconds, body)).collect(Collectors.joining(" "));
    }
}
