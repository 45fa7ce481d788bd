package io.leadscore.notification.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.leadscore.notification.StandardWebhooksVerifier;

class WebhookSignerTest {

    /** The example from the Standard Webhooks specification's reference test suite. */
    @Test
    void matchesTheSpecificationsExample() {
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        String signature = WebhookSigner.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}");
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    @Test
    void duringARotationBothSecretsSignAndEitherVerifies() {
        String current = WebhookSigner.newSecret(new byte[32]);
        byte[] other = new byte[24];
        other[0] = 7;
        String previous = WebhookSigner.newSecret(other);
        String header = WebhookSigner.signatureHeader(List.of(current, previous), "id-1", 1700000000, "{}");
        assertEquals(2, header.split(" ").length);
        assertTrue(StandardWebhooksVerifier.verifies(current, "id-1", "1700000000", "{}", header));
        assertTrue(StandardWebhooksVerifier.verifies(previous, "id-1", "1700000000", "{}", header));
        // Any change to id, timestamp or body breaks it.
        assertTrue(!StandardWebhooksVerifier.verifies(current, "id-2", "1700000000", "{}", header));
        assertTrue(!StandardWebhooksVerifier.verifies(current, "id-1", "1700000001", "{}", header));
        assertTrue(!StandardWebhooksVerifier.verifies(current, "id-1", "1700000000", "{ }", header));
    }

    @Test
    void secretsAreCheckedForFormAndLength() {
        assertNull(WebhookSigner.problem(WebhookSigner.newSecret(new byte[24])));
        assertNotNull(WebhookSigner.problem("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        assertNotNull(WebhookSigner.problem("whsec_not base64!"));
        assertNotNull(WebhookSigner.problem("whsec_AAAA"));
    }
}
