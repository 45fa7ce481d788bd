package io.leadscore.ingest.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The memory of recent ids: exact per tenant, at least the window long, bounded by count, and releasable. */
class RecentEventIdsTest {

    final AtomicLong clock = new AtomicLong();
    final RecentEventIds ids = new RecentEventIds(Duration.ofHours(24), 1_000_000, clock::get, new SecureRandom());

    @Test
    void anIdIsClaimedOncePerTenant() {
        assertTrue(ids.claim("acme", "e1"));
        assertFalse(ids.claim("acme", "e1"));
        assertTrue(ids.claim("globex", "e1"), "tenants do not share ids");
        assertTrue(ids.claim("acme", "e2"));
        assertTrue(ids.claim("acme/e", "1"), "the tenant boundary is part of the id");
    }

    @Test
    void manyIdsAreAllRememberedExactly() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int n = 200_000;
        String[] sent = new String[n];
        for (int i = 0; i < n; i++) {
            sent[i] = Long.toHexString(random.nextLong()) + "-" + i;
            assertTrue(ids.claim("acme", sent[i]), "seed " + seed);
        }
        for (String id : sent) {
            assertFalse(ids.claim("acme", id), "seed " + seed + ": " + id + " forgotten");
        }
        assertEquals(n, ids.size());
    }

    @Test
    void aReleasedIdCanBeClaimedAgainAndTheOthersStay() {
        for (int i = 0; i < 5000; i++) {
            ids.claim("acme", "e" + i);
        }
        for (int i = 0; i < 5000; i += 3) {
            ids.release("acme", "e" + i);
        }
        for (int i = 0; i < 5000; i++) {
            assertEquals(i % 3 == 0, ids.claim("acme", "e" + i), "e" + i);
        }
        ids.release("acme", "never-claimed");
        assertEquals(5000, ids.size());
    }

    @Test
    void anIdBeingPublishedIsNeitherNewNorADuplicateUntilItsBatchSettles() {
        var first = new RecentEventIds.Publishing();
        var resend = new RecentEventIds.Publishing();
        assertSame(first, ids.claim("acme", "stored", first));
        assertSame(first, ids.claim("acme", "refused", first));
        assertSame(first, ids.claim("acme", "stored", resend), "in flight: wait for the first batch");
        assertFalse(first.settled().toCompletableFuture().isDone());

        ids.settle(first, "acme", List.of("refused"));
        assertTrue(first.settled().toCompletableFuture().isDone());
        assertNull(ids.claim("acme", "stored", resend), "stored: a duplicate");
        assertSame(resend, ids.claim("acme", "refused", resend), "refused: free to publish again");
        assertEquals(1, resend.claimed());
    }

    @Test
    void idsAreRememberedForTheWholeWindowAndThenForgotten() {
        ids.claim("acme", "early");
        clock.addAndGet(Duration.ofHours(20).toNanos());
        ids.claim("acme", "later");
        clock.addAndGet(Duration.ofHours(3).toNanos());
        assertFalse(ids.claim("acme", "early"), "23 h after: still a duplicate");
        clock.addAndGet(Duration.ofHours(8).toNanos());
        assertTrue(ids.claim("acme", "early"), "31 h after: forgotten");
        assertFalse(ids.claim("acme", "later"), "11 h after: still a duplicate");
    }

    @Test
    void pastTheBoundTheOldestIdsAreForgottenFirst() {
        var small = new RecentEventIds(Duration.ofHours(24), 1000, clock::get, new SecureRandom());
        for (int i = 0; i < 3000; i++) {
            small.claim("acme", "e" + i);
        }
        assertTrue(small.size() <= 1000, "bounded: " + small.size());
        assertFalse(small.claim("acme", "e2999"), "the newest are remembered");
        assertTrue(small.claim("acme", "e0"), "the oldest were forgotten");
    }
}
