package io.leadscore.ingest.events;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.leadscore.contracts.MessageKeys;

/**
 * The event ids each tenant sent within the dedupe window, so a resend is answered as a duplicate and not published
 * again. Memory is bounded by entry count and time; an id that falls out early can still slip through, which is safe
 * because the scoring service ignores duplicate event ids too.
 */
@ApplicationScoped
public class RecentEventIds {

    private final Cache<String, Boolean> seen;

    public RecentEventIds(IngestLimits limits) {
        this.seen = Caffeine.newBuilder()
                .expireAfterWrite(limits.dedupeWindow())
                .maximumSize(limits.dedupeMaxEntries())
                .build();
    }

    /** Claims the id for publishing; false when it was already seen (a duplicate). */
    public boolean claim(String tenant, String eventId) {
        return seen.asMap().putIfAbsent(MessageKeys.leadKey(tenant, eventId), Boolean.TRUE) == null;
    }

    /** Gives the id back after a failed publish, so the client's retry is not mistaken for a duplicate. */
    public void release(String tenant, String eventId) {
        seen.invalidate(MessageKeys.leadKey(tenant, eventId));
    }
}
