package io.leadscore.scoring.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.leadscore.scoring.engine.Fact;
import io.leadscore.scoring.engine.LeadLog;

/**
 * A grown entry is weighed by adding its new facts only, and must weigh what weighing the whole log gives; a batch
 * keeps only a bounded share of freshly loaded logs for the cache.
 */
class LeadFactsCacheTest {

    static Fact fact(String id, String type) {
        return new Fact(id, type, Instant.parse("2026-11-01T10:00:00Z"), Map.of("url", "https://example.com/pricing"),
                type.equals("profile_updated") ? Map.of("jobTitle", "VP Sales") : null);
    }

    @Test
    void aGrownEntryWeighsWhatTheWholeLogWeighs() {
        LeadLog before = LeadLog.of(List.of(fact("e1", "page_view"), fact("e2", "profile_updated")));
        LeadFactsCache.Entry cached = LeadFactsCache.Entry.of(2, before);
        List<Fact> added = List.of(fact("e3", "email_open"), fact("e4", "profile_updated"));

        LeadFactsCache.Entry grown = cached.grown(4, before.plus(added), added);

        assertEquals(LeadFactsCache.Entry.of(4, before.plus(added)).estimatedBytes(), grown.estimatedBytes());
        assertEquals(4, grown.version());
    }

    @Test
    void aResentFactMakesTheGrownEntryWeighTheLogAgain() {
        LeadLog before = LeadLog.of(List.of(fact("e1", "page_view")));
        List<Fact> added = List.of(fact("e1", "page_view"), fact("e2", "email_open"));

        LeadFactsCache.Entry grown = LeadFactsCache.Entry.of(1, before).grown(3, before.plus(added), added);

        assertEquals(LeadFactsCache.Entry.of(3, before.plus(added)).estimatedBytes(), grown.estimatedBytes());
    }

    @Test
    void aBatchKeepsLoadedLogsForTheCacheOnlyUpToItsShare() {
        LeadFactsCache.Entry loaded = LeadFactsCache.Entry.of(1, LeadLog.of(List.of(fact("e1", "page_view"))));
        long share = 2 * loaded.estimatedBytes();
        LiveScoring.Result result = new LiveScoring.Result();

        result.keepForCache("a", loaded, null, share);
        result.keepForCache("b", loaded, null, share);
        result.keepForCache("c", loaded, null, share);
        // A cached log that grew is kept whatever the share: its old facts are in the cache already.
        LeadFactsCache.Entry grown = loaded.grown(2, loaded.log().plus(List.of(fact("e2", "email_open"))),
                List.of(fact("e2", "email_open")));
        result.keepForCache("d", grown, loaded, share);

        assertEquals(java.util.Set.of("a", "b", "d"), result.cacheUpdates().keySet());
    }
}
