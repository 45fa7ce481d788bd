package io.leadscore.notification.domain;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the secrets reps' contacts hold (webhook signing secrets, chat webhook URLs, which are credentials themselves)
 * before they are stored, so a database dump, backup or read replica does not hand them out. AES-256-GCM with a fresh
 * 96-bit nonce per value; the row and column a value belongs to are bound in as associated data, so a sealed value
 * copied into another rep's row does not open there.
 *
 * <p>
 * Stored form: {@code enc:v1:<key id>:<base64url(nonce || ciphertext || tag)>}. Several keys can be configured: the
 * first seals, all open, so a key is rotated by putting a new one first and, once every row was written again, dropping
 * the old one. A stored value without the prefix was written before sealing existed and is returned as it is; the
 * service seals such values, and those under an older key, again at start.
 */
public final class SecretBox {

    private static final String PREFIX = "enc:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private final String sealingKeyId;
    private final Map<String, SecretKeySpec> keys;
    private final SecureRandom random = new SecureRandom();

    private SecretBox(Map<String, SecretKeySpec> keys) {
        this.keys = keys;
        this.sealingKeyId = keys.keySet().iterator().next();
    }

    /**
     * Keys from their configured form, {@code id:base64,id:base64,...} (standard or URL-safe base64 of 32 random bytes),
     * the first sealing. Fails with a message naming what is wrong, never echoing key material.
     */
    public static SecretBox fromKeys(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("no keys: expected id:base64-of-32-bytes[,id:base64-of-32-bytes...]");
        }
        Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
        String[] parts = spec.trim().split("\\s*,\\s*");
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            int colon = part.indexOf(':');
            String id = colon < 0 ? "" : part.substring(0, colon);
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("key " + (i + 1) + " has no valid id: expected id:base64, the id "
                        + "made of letters, digits, '_' or '-' (at most 32)");
            }
            byte[] bytes;
            try {
                String encoded = part.substring(colon + 1);
                bytes = encoded.contains("-") || encoded.contains("_")
                        ? Base64.getUrlDecoder().decode(encoded)
                        : Base64.getDecoder().decode(encoded);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("key '" + id + "' is not valid base64");
            }
            if (bytes.length != 32) {
                throw new IllegalArgumentException("key '" + id + "' is " + bytes.length + " bytes; AES-256 needs 32");
            }
            if (keys.put(id, new SecretKeySpec(bytes, "AES")) != null) {
                throw new IllegalArgumentException("key id '" + id + "' appears twice");
            }
        }
        return new SecretBox(keys);
    }

    /** The sealed form of {@code plaintext} for the place named by {@code context}; null stays null. */
    public String seal(String plaintext, String context) {
        if (plaintext == null) {
            return null;
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(sealingKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return PREFIX + sealingKeyId + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed", e);
        }
    }

    /**
     * The plaintext of a stored value sealed for {@code context}; null stays null, and a value stored before sealing
     * existed comes back as it is. A value that does not open (unknown key, wrong place, altered) is an error, never
     * silently used.
     */
    public String open(String stored, String context) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return stored;
        }
        String rest = stored.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        String keyId = colon < 0 ? "" : rest.substring(0, colon);
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            throw new IllegalStateException("a stored secret was sealed with key '" + keyId + "', which is not "
                    + "configured (leadscore.notification.secrets-keys)");
        }
        try {
            byte[] in = Base64.getUrlDecoder().decode(rest.substring(colon + 1));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalStateException("a stored secret does not open for " + context
                    + ": altered, or copied from another place");
        }
    }

    /** Whether a stored value is sealed at all (rows written before sealing existed are not). */
    public static boolean isSealed(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    /** How values sealed with the current key begin; any other stored value is worth sealing again. */
    public String currentPrefix() {
        return PREFIX + sealingKeyId + ":";
    }

    /** {@code stored} sealed with the current key: as it is if it already is, else opened and sealed again. */
    public String resealed(String stored, String context) {
        return stored == null || stored.startsWith(currentPrefix()) ? stored : seal(open(stored, context), context);
    }
}
