package io.leadscore.security;

/** The roles a tenant's token can carry (JWT {@code groups} claim). */
public final class Roles {

    /** Send events. */
    public static final String INGEST = "ingest";
    /** Query scores, explanations, stages, deliveries. */
    public static final String READ = "read";
    /** Manage models, routing policy, reps, contacts, tokens. */
    public static final String ADMIN = "admin";

    private Roles() {
    }
}
