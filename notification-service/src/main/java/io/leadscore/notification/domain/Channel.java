package io.leadscore.notification.domain;

import java.util.Locale;

/**
 * A way an alert is pushed to a rep. Each is delivered (and logged) separately; the live stream is not a channel: every
 * alert goes to it.
 */
public enum Channel {
    EMAIL("email"), SMS("sms"), CHAT("chat"), WEBHOOK("webhook");

    private final String wire;

    Channel(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The channel with this wire name, or null. */
    public static Channel parse(String wire) {
        if (wire == null) {
            return null;
        }
        for (Channel c : values()) {
            if (c.wire.equals(wire.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        return null;
    }
}
