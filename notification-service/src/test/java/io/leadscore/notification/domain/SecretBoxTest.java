package io.leadscore.notification.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;

import org.junit.jupiter.api.Test;

class SecretBoxTest {

    static final String OLD = "old:" + Base64.getEncoder().encodeToString(new byte[32]);
    static final String NEW = "new:" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    static final String PLACE = "rep_contact/acme/ana/webhook_secret";

    @Test
    void aSealedValueOpensOnlyWhereItWasSealedAndShowsNothingOfThePlaintext() {
        SecretBox box = SecretBox.fromKeys(NEW);
        String sealed = box.seal("whsec_abc123", PLACE);
        assertTrue(sealed.startsWith("enc:v1:new:"), sealed);
        assertFalse(sealed.contains("abc123"));
        assertNotEquals(sealed, box.seal("whsec_abc123", PLACE), "a fresh nonce per value");
        assertEquals("whsec_abc123", box.open(sealed, PLACE));

        IllegalStateException moved = assertThrows(IllegalStateException.class,
                () -> box.open(sealed, "rep_contact/acme/bob/webhook_secret"));
        assertEquals("a stored secret does not open for rep_contact/acme/bob/webhook_secret: altered, or copied from "
                + "another place", moved.getMessage());
        // A character well inside the ciphertext (the last one may carry only padding bits).
        int at = sealed.length() - 10;
        String altered = sealed.substring(0, at) + (sealed.charAt(at) == 'A' ? 'B' : 'A') + sealed.substring(at + 1);
        assertThrows(IllegalStateException.class, () -> box.open(altered, PLACE));
        assertThrows(IllegalStateException.class, () -> box.open("enc:v1:new:AAAA", PLACE));
    }

    @Test
    void nullStaysNullAndValuesFromBeforeSealingComeBackAsTheyAre() {
        SecretBox box = SecretBox.fromKeys(NEW);
        assertNull(box.seal(null, PLACE));
        assertNull(box.open(null, PLACE));
        assertEquals("whsec_plain", box.open("whsec_plain", PLACE));
        assertFalse(SecretBox.isSealed("whsec_plain"));
    }

    @Test
    void aRotatedKeyListSealsWithTheFirstAndStillOpensWhatTheOldKeySealed() {
        String sealedWithOld = SecretBox.fromKeys(OLD).seal("https://hooks.slack.com/services/T/B/x", PLACE);
        SecretBox rotated = SecretBox.fromKeys(NEW + "," + OLD);
        assertEquals("https://hooks.slack.com/services/T/B/x", rotated.open(sealedWithOld, PLACE));
        String resealed = rotated.resealed(sealedWithOld, PLACE);
        assertTrue(resealed.startsWith(rotated.currentPrefix()), resealed);
        assertEquals(resealed, rotated.resealed(resealed, PLACE), "already current: left as it is");
        assertTrue(rotated.resealed("whsec_plain", PLACE).startsWith("enc:v1:new:"));

        IllegalStateException dropped = assertThrows(IllegalStateException.class,
                () -> SecretBox.fromKeys(NEW).open(sealedWithOld, PLACE));
        assertEquals("a stored secret was sealed with key 'old', which is not configured "
                + "(leadscore.notification.secrets-keys)", dropped.getMessage());
    }

    @Test
    void badKeyConfigurationsSayWhatIsWrongWithoutEchoingTheKey() {
        assertEquals("no keys: expected id:base64-of-32-bytes[,id:base64-of-32-bytes...]",
                assertThrows(IllegalArgumentException.class, () -> SecretBox.fromKeys(" ")).getMessage());
        assertEquals("key 'k1' is 16 bytes; AES-256 needs 32", assertThrows(IllegalArgumentException.class,
                () -> SecretBox.fromKeys("k1:" + Base64.getEncoder().encodeToString(new byte[16]))).getMessage());
        assertEquals("key 'k1' is not valid base64", assertThrows(IllegalArgumentException.class,
                () -> SecretBox.fromKeys("k1:not*base64")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SecretBox.fromKeys("c2VjcmV0"))
                .getMessage().startsWith("key 1 has no valid id"));
        assertEquals("key id 'new' appears twice", assertThrows(IllegalArgumentException.class,
                () -> SecretBox.fromKeys(NEW + "," + NEW)).getMessage());
    }
}
