package io.leadscore.notification.domain;

import java.util.Locale;

/** Why a rep is alerted. The wire names are what the contact preferences and the delivery log use. */
public enum AlertKind {
    MQL("mql", "New MQL"), SQL("sql", "New SQL"), ESCALATION("escalation", "Follow-up SLA missed"), REASSIGNMENT("reassignment",
            "Lead reassigned to you");

    private final String wire;
    private final String title;

    AlertKind(String wire, String title) {
        this.wire = wire;
        this.title = title;
    }

    public String wire() {
        return wire;
    }

    /** A short human title, the first words of every alert. */
    public String title() {
        return title;
    }

    /** The kind with this wire name, or null. */
    public static AlertKind parse(String wire) {
        if (wire == null) {
            return null;
        }
        for (AlertKind k : values()) {
            if (k.wire.equals(wire.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        return null;
    }
}
