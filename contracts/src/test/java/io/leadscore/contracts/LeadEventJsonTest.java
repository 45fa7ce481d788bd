package io.leadscore.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class LeadEventJsonTest {

    @Test
    void envelopeRoundTripsWithIsoInstantsAndIgnoresUnknownFields() throws Exception {
        var event = new LeadEvent(1, "acme", "e-1", "lead-7", "page_view", Instant.parse("2026-11-01T10:00:00Z"),
                Instant.parse("2026-11-01T10:00:01Z"), Map.of("url", "https://example.com/pricing"), null);

        String json = ContractsJson.mapper().writeValueAsString(event);
        assertTrue(json.contains("\"occurredAt\":\"2026-11-01T10:00:00Z\""), json);
        assertTrue(!json.contains("attributes"), "absent attributes are not written: " + json);

        String newer = "{\"addedInSchema2\":true," + json.substring(1);
        assertEquals(event, ContractsJson.mapper().readValue(newer, LeadEvent.class));
        assertEquals("acme/lead-7", event.key());
    }

    @Test
    void topicNamesAreUnique() {
        Set<String> names = new HashSet<>();
        Topics.ALL.forEach(t -> assertTrue(names.add(t.name()), "duplicate topic " + t.name()));
        assertTrue(Topics.ALL.stream().allMatch(t -> t.partitions() > 0));
    }
}
