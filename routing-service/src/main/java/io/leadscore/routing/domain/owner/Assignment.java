package io.leadscore.routing.domain.owner;

/** Who gets a lead: a team and one of its reps, a team without a rep (the lead waits in its queue), or nobody. */
public record Assignment(String teamId, String repId, String reason) {
}
