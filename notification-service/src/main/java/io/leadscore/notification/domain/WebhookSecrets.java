package io.leadscore.notification.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A rep's webhook signing secrets. After a rotation the previous secret stays valid until {@code previousUntil}, and
 * messages carry a signature for each, so receivers can switch at their own pace.
 */
public record WebhookSecrets(String current, String previous, Instant previousUntil) {

    public static final WebhookSecrets NONE = new WebhookSecrets(null, null, null);

    /** The secrets to sign with at {@code now}, newest first. */
    public List<String> active(Instant now) {
        List<String> secrets = new ArrayList<>(2);
        if (current != null) {
            secrets.add(current);
        }
        if (previous != null && previousUntil != null && now.isBefore(previousUntil)) {
            secrets.add(previous);
        }
        return secrets;
    }

    /** The secrets after the rep sets {@code next}: unchanged when it is the current one, else rotated. */
    public WebhookSecrets rotateTo(String next, Instant now, java.time.Duration grace) {
        if (next == null || next.equals(current)) {
            return this;
        }
        if (current == null) {
            return new WebhookSecrets(next, null, null);
        }
        return new WebhookSecrets(next, current, now.plus(grace));
    }
}
