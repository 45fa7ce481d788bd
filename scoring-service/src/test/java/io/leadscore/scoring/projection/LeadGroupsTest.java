package io.leadscore.scoring.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LeadGroupsTest {

    @Test
    void groupsKeepTheOrderAndStayWithinTheBound() {
        Map<String, Long> events = Map.of("a", 4L, "b", 5L, "c", 2L, "d", 9L, "e", 1L);
        List<List<String>> groups = LeadGroups.split(List.of("a", "b", "c", "d", "e"), events::get, 10);
        assertEquals(List.of(List.of("a", "b"), List.of("c"), List.of("d", "e")), groups);
    }

    @Test
    void aLeadLargerThanTheBoundIsAGroupOfItsOwn() {
        Map<String, Long> events = Map.of("a", 3L, "big", 50L, "c", 3L);
        assertEquals(List.of(List.of("a"), List.of("big"), List.of("c")),
                LeadGroups.split(List.of("a", "big", "c"), events::get, 10));
    }

    @Test
    void leadsWithNothingToLoadJoinTheCurrentGroup() {
        // Cached leads weigh nothing: they never force a new load.
        Map<String, Long> events = Map.of("a", 10L, "cached", 0L, "b", 10L, "new", 0L);
        assertEquals(List.of(List.of("a", "cached"), List.of("b", "new")),
                LeadGroups.split(List.of("a", "cached", "b", "new"), events::get, 10));
        assertEquals(List.of(), LeadGroups.split(List.of(), events::get, 10));
    }
}
