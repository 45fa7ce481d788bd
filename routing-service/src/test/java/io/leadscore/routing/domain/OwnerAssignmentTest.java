package io.leadscore.routing.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.leadscore.routing.domain.owner.Assignment;
import io.leadscore.routing.domain.owner.OwnerAssignment;
import io.leadscore.routing.domain.owner.OwnerBook;
import io.leadscore.routing.domain.owner.Rep;
import io.leadscore.routing.domain.owner.Team;
import io.leadscore.routing.domain.policy.AttributeCondition;
import io.leadscore.routing.domain.policy.PolicyError;
import io.leadscore.routing.domain.policy.PolicyParser;

class OwnerAssignmentTest {

    static List<AttributeCondition> territory(String json) {
        List<PolicyError> errors = new ArrayList<>();
        List<AttributeCondition> t = PolicyParser.territory(DomainFixtures.json(json), "territory", errors);
        assertEquals(List.of(), errors);
        return t;
    }

    static final Team DACH = new Team("dach", "DACH", "maria", territory(
            "[{\"attribute\": \"country\", \"in\": [\"DE\", \"AT\", \"CH\"]}]"), 10, false);
    static final Team ENTERPRISE = new Team("ent", "Enterprise", null, territory(
            "[{\"attribute\": \"companySize\", \"gte\": 1000}, {\"attribute\": \"region\", \"equals\": \"emea\"}]"), 5,
            false);
    static final Team REST = new Team("rest", "Rest", null, List.of(
            new AttributeCondition("country", AttributeCondition.Operator.EXISTS, List.of(false))), 100, true);

    static OwnerBook book(Map<String, Integer> open, Map<String, String> cursors) {
        return new OwnerBook(List.of(REST, DACH, ENTERPRISE), List.of(
                new Rep("d1", "D1", "dach", true, 2), new Rep("d2", "D2", "dach", true, 1),
                new Rep("d3", "D3", "dach", false, 9), new Rep("d4", "D4", "dach", true, 3),
                new Rep("e1", "E1", "ent", true, 5), new Rep("r1", "R1", "rest", true, 5)), open, cursors);
    }

    @Test
    void teamsAreTriedInPriorityOrderThenTheDefault() {
        OwnerBook b = book(Map.of(), Map.of());
        assertEquals("ent", b.teamFor(Map.of("country", "DE", "companySize", 5000, "region", "EMEA")).get().teamId());
        assertEquals("dach", b.teamFor(Map.of("country", "de", "companySize", 50)).get().teamId());
        assertEquals("rest", b.teamFor(Map.of("country", "US")).get().teamId(), "no match: the default team");
        assertEquals("rest", b.teamFor(Map.of()).get().teamId());
        OwnerBook noDefault = new OwnerBook(List.of(DACH), List.of(), Map.of(), Map.of());
        Assignment none = OwnerAssignment.assign(noDefault, Map.of("country", "US"), null, null);
        assertNull(none.teamId());
        assertNull(none.repId());
    }

    @Test
    void roundRobinSkipsInactiveAndFullRepsAndWraps() {
        OwnerBook b = book(Map.of("d4", 3), Map.of());
        List<String> owners = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Assignment a = OwnerAssignment.assign(b, Map.of("country", "AT"), null, null);
            owners.add(a.repId());
            b.moved(null, false, a.repId(), true);
        }
        // d1 (cap 2), d2 (cap 1), d3 inactive, d4 full (3 of 3): d1, d2, d1, then nobody.
        assertEquals(java.util.Arrays.asList("d1", "d2", "d1", null), owners);
        assertEquals(Map.of("dach", "d1"), b.changedCursors());
        b.moved("d4", true, null, false);
        assertEquals("d4", OwnerAssignment.assign(b, Map.of("country", "AT"), null, null).repId(),
                "a freed slot is used");
    }

    @Test
    void theCursorContinuesAfterTheLastRepEvenIfThatRepLeftTheTeam() {
        assertEquals("d4", OwnerAssignment.assign(book(Map.of(), Map.of("dach", "d2")), Map.of("country", "DE"),
                null, null).repId(), "after d2 comes d3 (inactive), then d4");
        assertEquals("d4", OwnerAssignment.assign(book(Map.of(), Map.of("dach", "d2x")), Map.of("country", "DE"),
                null, null).repId(), "d2x is gone: continue with the first id after it");
        assertEquals("d1", OwnerAssignment.assign(book(Map.of(), Map.of("dach", "d9")), Map.of("country", "DE"),
                null, null).repId(), "wraps around");
    }

    @Test
    void anExcludedRepIsSkippedAndAGivenTeamWins() {
        Assignment a = OwnerAssignment.assign(book(Map.of(), Map.of()), Map.of("country", "US"), "dach", "d1");
        assertEquals("dach", a.teamId());
        assertEquals("d2", a.repId());
        OwnerBook onlyD1 = new OwnerBook(List.of(DACH), List.of(new Rep("d1", "D1", "dach", true, 5)), Map.of(),
                Map.of());
        Assignment waiting = OwnerAssignment.assign(onlyD1, Map.of(), "dach", "d1");
        assertNull(waiting.repId());
        assertEquals(true, waiting.reason().contains("no other active rep"), waiting.reason());
    }
}
