package io.leadscore.scoring.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CanonicalStringsTest {

    @Test
    void factsFromSeparatelyDecodedEventsShareTheirRepeatedStrings() {
        Instant at = Instant.parse("2026-11-01T10:00:00Z");
        Fact a = Fact.event("e1", new String("page_view"), at, Map.of(new String("url"), new String("https://x/pricing")));
        Fact b = Fact.event("e2", new String("page_view"), at, Map.of(new String("url"), new String("https://x/pricing")));

        assertSame(a.type(), b.type());
        assertSame(a.properties().get("url"), b.properties().get("url"));
        assertSame(a.properties().keySet().iterator().next(), b.properties().keySet().iterator().next());
        assertTrue(CanonicalStrings.isShared(a.type()));
        assertEquals(a.properties(), b.properties());
    }

    @Test
    void longStringsAreKeptAsTheyAre() {
        String longValue = "x".repeat(CanonicalStrings.MAX_LENGTH + 1);
        String copy = new String(longValue);
        assertSame(copy, CanonicalStrings.of(copy));
        assertNotSame(CanonicalStrings.of(new String(longValue)), CanonicalStrings.of(new String(longValue)));
        assertFalse(CanonicalStrings.isShared(copy));
        assertEquals(null, CanonicalStrings.of(null));
    }
}
