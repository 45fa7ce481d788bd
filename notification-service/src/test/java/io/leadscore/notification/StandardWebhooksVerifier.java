package io.leadscore.notification;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * An independent receiver-side verification of Standard Webhooks signatures, written from the specification and not
 * sharing code with the service: HMAC-SHA256 computed by hand from SHA-256 (RFC 2104), compared in constant time.
 */
public final class StandardWebhooksVerifier {

    private StandardWebhooksVerifier() {
    }

    public static boolean verifies(String secret, String id, String timestamp, String body, String signatureHeader) {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        byte[] expected = hmacSha256(key, (id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        for (String candidate : signatureHeader.split(" ")) {
            String[] parts = candidate.split(",", 2);
            if (parts.length == 2 && parts[0].equals("v1")
                    && MessageDigest.isEqual(expected, Base64.getDecoder().decode(parts[1]))) {
                return true;
            }
        }
        return false;
    }

    static byte[] hmacSha256(byte[] key, byte[] message) {
        try {
            int block = 64;
            if (key.length > block) {
                key = MessageDigest.getInstance("SHA-256").digest(key);
            }
            byte[] padded = new byte[block];
            System.arraycopy(key, 0, padded, 0, key.length);
            byte[] inner = new byte[block];
            byte[] outer = new byte[block];
            for (int i = 0; i < block; i++) {
                inner[i] = (byte) (padded[i] ^ 0x36);
                outer[i] = (byte) (padded[i] ^ 0x5c);
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(inner);
            sha.update(message);
            byte[] innerHash = sha.digest();
            sha.reset();
            sha.update(outer);
            sha.update(innerHash);
            return sha.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
