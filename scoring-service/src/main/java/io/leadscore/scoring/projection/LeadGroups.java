package io.leadscore.scoring.projection;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Splits the leads of one unit of work (a poll batch, a page of due decay checks) into groups whose histories are
 * loaded and scored one group at a time. Scoring needs a lead's whole log, and 2,000 leads with a few hundred events
 * each are more than the heap holds at once; groups of a bounded number of events keep the memory a batch needs
 * independent of how long its leads' histories are.
 */
public final class LeadGroups {

    private LeadGroups() {
    }

    /**
     * Consecutive groups, in the given order, each holding at most {@code maxEvents} events by {@code eventsOf} (a
     * single lead with more forms a group of its own). Leads that need no loading (weight 0) never start a group.
     */
    public static List<List<String>> split(Collection<String> leadIds, ToLongFunction<String> eventsOf,
            long maxEvents) {
        List<List<String>> groups = new ArrayList<>();
        List<String> group = new ArrayList<>();
        long events = 0;
        for (String leadId : leadIds) {
            long weight = eventsOf.applyAsLong(leadId);
            if (!group.isEmpty() && weight > 0 && events + weight > maxEvents) {
                groups.add(group);
                group = new ArrayList<>();
                events = 0;
            }
            group.add(leadId);
            events += weight;
        }
        if (!group.isEmpty()) {
            groups.add(group);
        }
        return groups;
    }
}
