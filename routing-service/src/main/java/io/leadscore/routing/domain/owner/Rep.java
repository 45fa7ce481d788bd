package io.leadscore.routing.domain.owner;

/**
 * A sales rep. Membership in a team is the rep's {@code teamId}.
 *
 * @param capacity the most open leads (mql, sql, accepted) the rep is given by round-robin
 */
public record Rep(String repId, String name, String teamId, boolean active, int capacity) {
}
