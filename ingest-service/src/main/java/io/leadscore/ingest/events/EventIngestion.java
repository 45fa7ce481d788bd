package io.leadscore.ingest.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.contracts.LeadEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Turns validated events into published facts: assigns missing ids, drops resends, publishes the rest and completes
 * only when the broker has acknowledged all of them.
 */
@ApplicationScoped
public class EventIngestion {

    private final RecentEventIds recentIds;
    private final LeadEventPublisher publisher;
    private final Counter accepted;
    private final Counter duplicates;

    public EventIngestion(RecentEventIds recentIds, LeadEventPublisher publisher, MeterRegistry registry) {
        this.recentIds = recentIds;
        this.publisher = publisher;
        this.accepted = registry.counter("leadscore.events.ingested", "outcome", "accepted");
        this.duplicates = registry.counter("leadscore.events.ingested", "outcome", "duplicate");
    }

    public Uni<IngestResult> ingest(String tenant, List<EventValidator.ValidEvent> events, Instant receivedAt) {
        List<Uni<Void>> sends = new ArrayList<>(events.size());
        int duplicateCount = 0;
        for (EventValidator.ValidEvent e : events) {
            String eventId = e.eventId() != null ? e.eventId() : UUID.randomUUID().toString();
            if (!recentIds.claim(tenant, eventId)) {
                duplicateCount++;
                continue;
            }
            var fact = new LeadEvent(LeadEvent.CURRENT_SCHEMA_VERSION, tenant, eventId, e.leadId(), e.type(),
                    e.occurredAt(), receivedAt, e.properties(), e.attributes());
            sends.add(publisher.publish(fact).onFailure().invoke(() -> recentIds.release(tenant, eventId)));
        }
        int acceptedCount = sends.size();
        int duplicateTotal = duplicateCount;
        Uni<Void> all = sends.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(sends).andCollectFailures().replaceWithVoid();
        return all.map(ignored -> {
            accepted.increment(acceptedCount);
            duplicates.increment(duplicateTotal);
            return new IngestResult(acceptedCount, duplicateTotal);
        });
    }
}
