package io.leadscore.ingest.events;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
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

    /** Claims the id for publishing; false when it was already seen (a duplicate). */
    public boolean claim(String tenant, String eventId) {
        long[] fingerprint = fingerprint(tenant, eventId);
        long hi = fingerprint[0];
        long lo = fingerprint[1];
        synchronized (this) {
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
    }

    /** Gives the id back after a failed publish, so the client's retry is not mistaken for a duplicate. */
    public void release(String tenant, String eventId) {
        long[] fingerprint = fingerprint(tenant, eventId);
        synchronized (this) {
            for (Generation g : generations) {
                if (g.remove(fingerprint[0], fingerprint[1])) {
                    entries--;
                    return;
                }
            }
        }
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
