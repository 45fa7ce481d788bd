package io.leadscore.security;

/** The roles a tenant's token can carry (JWT {@code groups} claim). */
public final class Roles {

    /** Send events. */
    public static final String INGEST = "ingest";
    /** Query scores, explanations, stages, deliveries. */
    public static final String READ = "read";
    /** Manage models, routing policy, reps, contacts, tokens. */
    public static final String ADMIN = "admin";
    /**
     * One sales rep: their own alert stream, deliveries, lead stages, queue and feedback on the leads they own, plus any
     * single lead's scores and explanation (alerts link there); no tenant-wide lists. The token's rep claim (see
     * {@link SecurityConfig#repClaim()}) names the rep, so a rep's browser never holds a token that reads every rep's
     * alerts.
     */
    public static final String REP = "rep";

    private Roles() {
    }
}
