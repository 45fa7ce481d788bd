package io.leadscore.scoring.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A lead's facts as the scoring semantics see them: one copy per event id, in log order. Building it (deduplicating
 * and sorting) is the part of scoring that does not depend on the model or the instant, so a service scoring a lead
 * under several models, or again after each new event, builds it once and extends it with {@link #plus}. Immutable;
 * every operation gives exactly the log that {@link #of} would give for the same facts.
 */
public final class LeadLog {

    private static final LeadLog EMPTY = new LeadLog(List.of());

    private final List<Fact> facts;
    private final List<Fact> view;

    private LeadLog(List<Fact> facts) {
        this.facts = facts;
        this.view = Collections.unmodifiableList(facts);
    }

    /** A lead with no facts. */
    public static LeadLog empty() {
        return EMPTY;
    }

    /** Facts in any order, possibly repeated: duplicate event ids count once, the copy first in log order winning. */
    public static LeadLog of(Collection<Fact> facts) {
        Objects.requireNonNull(facts, "facts");
        if (facts.isEmpty()) {
            return EMPTY;
        }
        Map<String, Fact> byId = new HashMap<>(Math.max(16, facts.size() * 2));
        for (Fact fact : facts) {
            Fact kept = byId.putIfAbsent(fact.eventId(), fact);
            if (kept != null && precedes(fact, kept)) {
                byId.put(fact.eventId(), fact);
            }
        }
        List<Fact> log = new ArrayList<>(byId.values());
        log.sort(Fact.LOG_ORDER);
        return new LeadLog(log);
    }

    /** This log with more facts: the same as {@link #of} over both, merged in linear time. */
    public LeadLog plus(Collection<Fact> more) {
        if (more.isEmpty()) {
            return this;
        }
        LeadLog added = of(more);
        if (facts.isEmpty()) {
            return added;
        }
        Set<String> addedIds = new HashSet<>(added.facts.size() * 2);
        for (Fact fact : added.facts) {
            addedIds.add(fact.eventId());
        }
        for (Fact fact : facts) {
            if (addedIds.contains(fact.eventId())) {
                // A resent id (which the event store never passes on): let the general rule pick the copy.
                List<Fact> all = new ArrayList<>(facts);
                all.addAll(more);
                return of(all);
            }
        }
        List<Fact> merged = new ArrayList<>(facts.size() + added.facts.size());
        int i = 0;
        int j = 0;
        while (i < facts.size() && j < added.facts.size()) {
            merged.add(Fact.LOG_ORDER.compare(facts.get(i), added.facts.get(j)) <= 0
                    ? facts.get(i++)
                    : added.facts.get(j++));
        }
        merged.addAll(facts.subList(i, facts.size()));
        merged.addAll(added.facts.subList(j, added.facts.size()));
        return new LeadLog(merged);
    }

    /** This log without any copy of the given event ids: the same as {@link #of} over the remaining facts. */
    public LeadLog without(Set<String> eventIds) {
        if (eventIds.isEmpty()) {
            return this;
        }
        List<Fact> kept = new ArrayList<>(facts.size());
        for (Fact fact : facts) {
            if (!eventIds.contains(fact.eventId())) {
                kept.add(fact);
            }
        }
        return kept.size() == facts.size() ? this : new LeadLog(kept);
    }

    /** The facts in log order, one per event id. */
    public List<Fact> facts() {
        return view;
    }

    /** The same list without the read-only wrapper, for the engine's inner loops; never modified. */
    List<Fact> shared() {
        return facts;
    }

    public int size() {
        return facts.size();
    }

    public boolean isEmpty() {
        return facts.isEmpty();
    }

    /** How many facts occurred at or before the instant ({@code null}: all of them). */
    int countUpTo(Instant horizon) {
        if (horizon == null) {
            return facts.size();
        }
        int low = 0;
        int high = facts.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (facts.get(middle).occurredAt().isAfter(horizon)) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }

    /**
     * Log order, then (only for conflicting copies of one event id at one instant, which a correct producer never
     * sends) a content order, so the choice still does not depend on arrival order.
     */
    private static boolean precedes(Fact candidate, Fact kept) {
        int order = Fact.LOG_ORDER.compare(candidate, kept);
        if (order != 0 || candidate.equals(kept)) {
            return order < 0;
        }
        return contentKey(candidate).compareTo(contentKey(kept)) < 0;
    }

    private static String contentKey(Fact fact) {
        return fact.type() + '\u0000' + new TreeMap<>(fact.properties()) + '\u0000'
                + (fact.attributes() == null ? "" : new TreeMap<>(fact.attributes()).toString());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LeadLog that && facts.equals(that.facts);
    }

    @Override
    public int hashCode() {
        return facts.hashCode();
    }

    @Override
    public String toString() {
        return "LeadLog" + facts;
    }
}
