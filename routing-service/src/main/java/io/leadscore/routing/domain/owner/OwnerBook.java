package io.leadscore.routing.domain.owner;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tenant's teams and reps, each rep's open lead count and each team's round-robin cursor, as of the start of a
 * transaction (the cursors are locked by it). Assignments update it in memory, so several assignments in one batch see
 * each other; {@link #changedCursors()} tells what to write back.
 */
public final class OwnerBook {

    private final List<Team> teams;
    private final Map<String, Rep> reps = new LinkedHashMap<>();
    private final Map<String, Integer> openLeads;
    private final Map<String, String> cursors;
    private final Map<String, String> changedCursors = new LinkedHashMap<>();

    public OwnerBook(Collection<Team> teams, Collection<Rep> reps, Map<String, Integer> openLeads,
            Map<String, String> cursors) {
        this.teams = teams.stream()
                .sorted(Comparator.comparingInt(Team::priority).thenComparing(Team::teamId)).toList();
        reps.forEach(r -> this.reps.put(r.repId(), r));
        this.openLeads = new HashMap<>(openLeads);
        this.cursors = new HashMap<>(cursors);
    }

    public static OwnerBook empty() {
        return new OwnerBook(List.of(), List.of(), Map.of(), Map.of());
    }

    public Optional<Rep> rep(String repId) {
        return Optional.ofNullable(repId == null ? null : reps.get(repId));
    }

    public Optional<Team> team(String teamId) {
        return teams.stream().filter(t -> t.teamId().equals(teamId)).findFirst();
    }

    public boolean isActive(String repId) {
        return rep(repId).map(Rep::active).orElse(false);
    }

    public int openLeads(String repId) {
        return openLeads.getOrDefault(repId, 0);
    }

    /** The team that takes a lead with this profile: first matching by priority, else the default team. */
    public Optional<Team> teamFor(Map<String, Object> attributes) {
        for (Team t : teams) {
            if (t.covers(attributes)) {
                return Optional.of(t);
            }
        }
        return teams.stream().filter(Team::isDefault).findFirst();
    }

    /** The team's reps in round-robin order (by rep id). */
    public List<Rep> members(String teamId) {
        List<Rep> members = new ArrayList<>();
        for (Rep r : reps.values()) {
            if (teamId.equals(r.teamId())) {
                members.add(r);
            }
        }
        members.sort(Comparator.comparing(Rep::repId));
        return members;
    }

    public String cursor(String teamId) {
        return cursors.get(teamId);
    }

    void advanceCursor(String teamId, String repId) {
        cursors.put(teamId, repId);
        changedCursors.put(teamId, repId);
    }

    /** Keeps open-lead counts right when a lead's owner or stage changes. */
    public void moved(String oldOwner, boolean wasOpen, String newOwner, boolean isOpen) {
        if (oldOwner != null && wasOpen) {
            openLeads.merge(oldOwner, -1, Integer::sum);
        }
        if (newOwner != null && isOpen) {
            openLeads.merge(newOwner, 1, Integer::sum);
        }
    }

    /** Team id → last rep assigned, for every cursor moved since this book was loaded. */
    public Map<String, String> changedCursors() {
        return Map.copyOf(changedCursors);
    }
}
