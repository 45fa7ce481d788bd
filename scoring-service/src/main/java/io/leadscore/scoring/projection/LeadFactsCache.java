package io.leadscore.scoring.projection;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.leadscore.scoring.engine.Fact;

/**
 * Recently scored leads' facts, tagged with their stream version, so scoring a new event does not reload the lead's
 * whole history. An entry is used only when its version is exactly the version the append started from; anything
 * else (another replica appended, a failed transaction) falls back to the event store. Bounded by the number of
 * facts held.
 */
@ApplicationScoped
public class LeadFactsCache {

    public record Entry(long version, List<Fact> facts) {
    }

    private final Cache<String, Entry> cache;

    public LeadFactsCache(@ConfigProperty(name = "leadscore.scoring.fact-cache-max-facts", defaultValue = "200000") long max) {
        this.cache = Caffeine.newBuilder()
                .maximumWeight(max)
                .weigher((String key, Entry e) -> e.facts().size() + 1)
                .build();
    }

    public Entry get(String streamKey) {
        return cache.getIfPresent(streamKey);
    }

    public void put(String streamKey, long version, List<Fact> facts) {
        cache.put(streamKey, new Entry(version, List.copyOf(facts)));
    }

    public void invalidate(Iterable<String> streamKeys) {
        cache.invalidateAll(streamKeys);
    }
}
