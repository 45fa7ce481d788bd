package io.leadscore.ingest.events;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The event ids each tenant sent within the dedupe window, so a resend is answered as a duplicate and not published
 * again. An id is remembered for at least the window (and at most a quarter of it longer). Memory is bounded by entry
 * count: past {@code dedupe-max-entries} the oldest ids are forgotten first; an id that falls out early can still slip
 * through, which is safe because the scoring service ignores duplicate event ids too.
 *
 * <p>
 * A claimed id is in flight until the broker has answered for it: a resend in that time (a client that gave up waiting)
 * must neither be told "duplicate" (the publish may still fail) nor publish it a second time, so it waits for the first
 * publish to settle and then finds the id stored, or released and free to publish itself.
 *
 * <p>
 * Why not a map of strings: at 50,000 events/s a cache entry per id (the "tenant/eventId" string, a cache node and a
 * hash-map node, about 180 bytes) filled a 256 MB heap within a minute. Each id is kept here as a 128-bit keyed
 * fingerprint (SipHash-2-4-128 with a key drawn at start, so ids cannot be crafted to collide with another tenant's) in
 * open-addressing tables of plain longs, 24 to 48 bytes per id (120 to 240 MB at the default 5 M bound); ids age out a whole
 * generation (a quarter of the window, or of the bound) at a time instead of one by one. Two different ids share a fingerprint with probability about 2^-128.
 */
@ApplicationScoped
public class RecentEventIds {

    static final int GENERATIONS_PER_WINDOW = 4;

    private final long windowNanos;
    private final long generationNanos;
    private final long maxEntries;
    private final long maxEntriesPerGeneration;
    private final LongSupplier nanoTime;
    private final long key0;
    private final long key1;
    /** Newest first. */
    private final Deque<Generation> generations = new ArrayDeque<>();
    /** Claimed ids whose publish the broker has not answered yet, and the batch publishing each. */
    private final Map<Fingerprint, Publishing> inFlight = new HashMap<>();
    private long entries;

    @Inject
    public RecentEventIds(IngestLimits limits) {
        this(limits.dedupeWindow(), limits.dedupeMaxEntries(), System::nanoTime, new SecureRandom());
    }

    RecentEventIds(Duration window, long maxEntries, LongSupplier nanoTime, SecureRandom keys) {
        this.windowNanos = window.toNanos();
        this.generationNanos = Math.max(1, windowNanos / GENERATIONS_PER_WINDOW);
        this.maxEntries = maxEntries;
        this.maxEntriesPerGeneration = Math.max(1, maxEntries / GENERATIONS_PER_WINDOW);
        this.nanoTime = nanoTime;
        this.key0 = keys.nextLong();
        this.key1 = keys.nextLong();
        generations.addFirst(new Generation(nanoTime.getAsLong()));
    }

    /**
     * Claims the id for {@code batch}, which is about to publish it. Returns {@code batch} when the id is new (it is
     * then remembered, and in flight until {@link #settle}), null when it was already stored (a duplicate), or the
     * batch that is publishing it right now: the caller must wait for that batch to {@linkplain Publishing#settled()
     * settle} and claim again, because until the broker has answered nobody knows whether the event was stored.
     */
    public Publishing claim(String tenant, String eventId, Publishing batch) {
        long[] fingerprint = fingerprint(tenant, eventId);
        Fingerprint key = new Fingerprint(fingerprint[0], fingerprint[1]);
        synchronized (this) {
            Publishing publishing = inFlight.isEmpty() ? null : inFlight.get(key);
            if (publishing != null) {
                return publishing;
            }
            if (!remember(key.hi, key.lo)) {
                return null;
            }
            inFlight.put(key, batch);
            batch.add(key);
            return batch;
        }
    }

    /** Remembers the id as stored at once; false when it was already seen or is being published (for tests). */
    boolean claim(String tenant, String eventId) {
        long[] fingerprint = fingerprint(tenant, eventId);
        synchronized (this) {
            return !inFlight.containsKey(new Fingerprint(fingerprint[0], fingerprint[1]))
                    && remember(fingerprint[0], fingerprint[1]);
        }
    }

    /**
     * The broker has answered for every id {@code batch} claimed. The {@code refused} ones are forgotten, so a resend
     * publishes them instead of counting them as duplicates; the others stay remembered as stored. Then whoever waits
     * for the batch goes on (on this thread).
     */
    public void settle(Publishing batch, String tenant, Collection<String> refused) {
        List<long[]> forget = new ArrayList<>(refused.size());
        for (String eventId : refused) {
            forget.add(fingerprint(tenant, eventId));
        }
        synchronized (this) {
            for (int i = 0; i < batch.size; i++) {
                inFlight.remove(batch.ids[i], batch);
            }
            for (long[] fingerprint : forget) {
                forget(fingerprint[0], fingerprint[1]);
            }
        }
        batch.settled.complete(null);
    }

    private boolean remember(long hi, long lo) {
        rotate();
        for (Generation g : generations) {
            if (g.contains(hi, lo)) {
                return false;
            }
        }
        generations.peekFirst().add(hi, lo);
        entries++;
        while (entries > maxEntries && generations.size() > 1) {
            entries -= generations.removeLast().size;
        }
        return true;
    }

    private void forget(long hi, long lo) {
        for (Generation g : generations) {
            if (g.remove(hi, lo)) {
                entries--;
                return;
            }
        }
    }

    /** Forgets the id (for tests). */
    void release(String tenant, String eventId) {
        long[] fingerprint = fingerprint(tenant, eventId);
        synchronized (this) {
            forget(fingerprint[0], fingerprint[1]);
        }
    }

    /** Ids being published now (for tests). */
    synchronized int inFlight() {
        return inFlight.size();
    }

    /** Ids remembered now (for tests and sizing). */
    synchronized long size() {
        return entries;
    }

    private void rotate() {
        long now = nanoTime.getAsLong();
        Generation newest = generations.peekFirst();
        if (now - newest.startedAt >= generationNanos || newest.size >= maxEntriesPerGeneration) {
            // Every id in it was added before its span ran out (a later claim would have rotated first).
            newest.endedAt = Math.min(now, newest.startedAt + generationNanos);
            generations.addFirst(new Generation(now));
        }
        // A generation is forgotten once even its youngest id is older than the window.
        while (generations.size() > 1 && now - generations.peekLast().endedAt >= windowNanos) {
            entries -= generations.removeLast().size;
        }
    }

    long[] fingerprint(String tenant, String eventId) {
        var hash = new SipHash128(key0, key1);
        hash.chars(tenant);
        hash.chars("/");
        hash.chars(eventId);
        return hash.finish();
    }

    private record Fingerprint(long hi, long lo) {
    }

    /**
     * The ids one publish claimed, from the claim until the broker answered for all of them. Only then is it known
     * whether each was stored, so a resend of one of them waits for {@link #settled()}.
     */
    public static final class Publishing {

        private final CompletableFuture<Void> settled = new CompletableFuture<>();
        private Fingerprint[] ids = new Fingerprint[4];
        private int size;

        /** How many ids this batch claimed so far. */
        public int claimed() {
            return size;
        }

        /** Completes once the broker has answered for every id of the batch and each is remembered or forgotten. */
        public CompletionStage<Void> settled() {
            return settled;
        }

        private void add(Fingerprint id) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
            }
            ids[size++] = id;
        }
    }

    /** One open-addressing set of 128-bit fingerprints (linear probing; never both halves zero). */
    static final class Generation {

        private static final int INITIAL_CAPACITY = 1024;
        final long startedAt;
        /** When the next generation started (only read once there is one). */
        long endedAt;
        private long[] slots = new long[2 * INITIAL_CAPACITY];
        private int mask = INITIAL_CAPACITY - 1;
        int size;

        Generation(long startedAt) {
            this.startedAt = startedAt;
        }

        boolean contains(long hi, long lo) {
            lo = nonZero(lo);
            for (int i = home(hi);; i = (i + 1) & mask) {
                long h = slots[2 * i];
                long l = slots[2 * i + 1];
                if (l == 0) {
                    return false;
                }
                if (h == hi && l == lo) {
                    return true;
                }
            }
        }

        void add(long hi, long lo) {
            if ((size + 1) * 3L > (mask + 1) * 2L) {
                grow();
            }
            insert(hi, nonZero(lo));
            size++;
        }

        boolean remove(long hi, long lo) {
            lo = nonZero(lo);
            int i = home(hi);
            while (true) {
                long l = slots[2 * i + 1];
                if (l == 0) {
                    return false;
                }
                if (slots[2 * i] == hi && l == lo) {
                    break;
                }
                i = (i + 1) & mask;
            }
            // Backward-shift deletion keeps every remaining entry reachable from its home slot.
            int hole = i;
            for (int j = (hole + 1) & mask; slots[2 * j + 1] != 0; j = (j + 1) & mask) {
                int home = home(slots[2 * j]);
                boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
                if (movable) {
                    slots[2 * hole] = slots[2 * j];
                    slots[2 * hole + 1] = slots[2 * j + 1];
                    hole = j;
                }
            }
            slots[2 * hole] = 0;
            slots[2 * hole + 1] = 0;
            size--;
            return true;
        }

        private void insert(long hi, long lo) {
            int i = home(hi);
            while (slots[2 * i + 1] != 0) {
                i = (i + 1) & mask;
            }
            slots[2 * i] = hi;
            slots[2 * i + 1] = lo;
        }

        private void grow() {
            long[] old = slots;
            slots = new long[old.length * 2];
            mask = (mask << 1) | 1;
            for (int i = 0; i < old.length; i += 2) {
                if (old[i + 1] != 0) {
                    insert(old[i], old[i + 1]);
                }
            }
        }

        private int home(long hi) {
            return (int) hi & mask;
        }

        private static long nonZero(long lo) {
            return lo == 0 ? 1 : lo;
        }
    }

    /** SipHash-2-4 with 128-bit output over UTF-16 code units, four to a 64-bit word. */
    static final class SipHash128 {

        private long v0;
        private long v1;
        private long v2;
        private long v3;
        private long word;
        private int unitsInWord;
        private long units;

        SipHash128(long k0, long k1) {
            v0 = k0 ^ 0x736f6d6570736575L;
            v1 = k1 ^ 0x646f72616e646f6dL ^ 0xee;
            v2 = k0 ^ 0x6c7967656e657261L;
            v3 = k1 ^ 0x7465646279746573L;
        }

        void chars(String s) {
            for (int i = 0; i < s.length(); i++) {
                word |= ((long) s.charAt(i)) << (16 * unitsInWord);
                units++;
                if (++unitsInWord == 4) {
                    compress(word);
                    word = 0;
                    unitsInWord = 0;
                }
            }
        }

        long[] finish() {
            compress(word | ((units * 2) << 56));
            v2 ^= 0xee;
            rounds(4);
            long first = v0 ^ v1 ^ v2 ^ v3;
            v1 ^= 0xdd;
            rounds(4);
            return new long[]{first, v0 ^ v1 ^ v2 ^ v3};
        }

        private void compress(long m) {
            v3 ^= m;
            rounds(2);
            v0 ^= m;
        }

        private void rounds(int n) {
            for (int i = 0; i < n; i++) {
                v0 += v1;
                v1 = Long.rotateLeft(v1, 13);
                v1 ^= v0;
                v0 = Long.rotateLeft(v0, 32);
                v2 += v3;
                v3 = Long.rotateLeft(v3, 16);
                v3 ^= v2;
                v0 += v3;
                v3 = Long.rotateLeft(v3, 21);
                v3 ^= v0;
                v2 += v1;
                v1 = Long.rotateLeft(v1, 17);
                v1 ^= v2;
                v2 = Long.rotateLeft(v2, 32);
            }
        }
    }
}
