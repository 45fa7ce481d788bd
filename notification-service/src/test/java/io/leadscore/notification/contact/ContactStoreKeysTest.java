package io.leadscore.notification.contact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.leadscore.notification.config.NotificationConfig;

/**
 * Without sealing keys the contact store cannot be made, and it is made at start ({@code checkKeysAtStart}), so the
 * service refuses to start with this message instead of failing its first alert. Malformed keys: {@code SecretBoxTest}.
 */
class ContactStoreKeysTest {

    @Test
    void withoutSealingKeysTheStoreRefusesWithTheSettingToGive() {
        NotificationConfig noKeys = (NotificationConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{NotificationConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("secretsKeys")) {
                        return Optional.empty();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> new ContactStore(noKeys));
        assertEquals("leadscore.notification.secrets-keys (LEADSCORE_NOTIFICATION_SECRETS_KEYS) is not set: it seals "
                + "reps' webhook secrets and chat URLs in the database; give it id:base64-of-32-random-bytes, e.g. k1:"
                + "$(head -c 32 /dev/urandom | base64)", refused.getMessage());
    }
}
