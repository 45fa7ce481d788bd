package io.leadscore.routing.domain.owner;

import java.util.List;
import java.util.Map;

/**
 * Picks an owner: the team whose territory matches (or the given team), then the next rep after the team's cursor who
 * is active and below capacity. Deterministic given the book.
 */
public final class OwnerAssignment {

    private OwnerAssignment() {
    }

    /**
     * @param teamId the team to assign within, or null to choose by territory
     * @param excludedRepId a rep who must not get the lead (the owner who missed the SLA), or null
     */
    public static Assignment assign(OwnerBook book, Map<String, Object> attributes, String teamId,
            String excludedRepId) {
        Team team = (teamId != null ? book.team(teamId) : java.util.Optional.<Team>empty())
                .or(() -> book.teamFor(attributes)).orElse(null);
        if (team == null) {
            return new Assignment(null, null, "no team's territory matches and there is no default team");
        }
        List<Rep> members = book.members(team.teamId());
        int start = 0;
        String cursor = book.cursor(team.teamId());
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).repId().equals(cursor)) {
                start = i + 1;
                break;
            }
            if (cursor != null && members.get(i).repId().compareTo(cursor) > 0) {
                // The last rep assigned left the team: continue with the one after where it stood.
                start = i;
                break;
            }
        }
        for (int k = 0; k < members.size(); k++) {
            Rep rep = members.get((start + k) % members.size());
            if (!rep.active() || rep.repId().equals(excludedRepId) || book.openLeads(rep.repId()) >= rep.capacity()) {
                continue;
            }
            book.advanceCursor(team.teamId(), rep.repId());
            return new Assignment(team.teamId(), rep.repId(), "round-robin in team " + team.teamId());
        }
        return new Assignment(team.teamId(), null, "no " + (excludedRepId == null ? "" : "other ")
                + "active rep in team " + team.teamId() + " has free capacity; waiting in the team queue");
    }
}
