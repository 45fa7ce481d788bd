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
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Turns validated events into published facts: assigns missing ids, drops resends, publishes the rest as one batch
 * and completes only when the broker has acknowledged all of them. Ids of events the broker did not take are released,
 * so the client's retry publishes them instead of counting them as duplicates.
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
        List<LeadEvent> facts = new ArrayList<>(events.size());
        int duplicateCount = 0;
        for (EventValidator.ValidEvent e : events) {
            String eventId = e.eventId() != null ? e.eventId() : UUID.randomUUID().toString();
            if (!recentIds.claim(tenant, eventId)) {
                duplicateCount++;
                continue;
            }
            facts.add(new LeadEvent(LeadEvent.CURRENT_SCHEMA_VERSION, tenant, eventId, e.leadId(), e.type(),
                    e.occurredAt(), receivedAt, e.properties(), e.attributes()));
        }
        int acceptedCount = facts.size();
        int duplicateTotal = duplicateCount;
        Uni<Void> published = publisher.publish(facts).onFailure(LeadEventPublisher.PublishFailedException.class)
                .invoke(failure -> ((LeadEventPublisher.PublishFailedException) failure).unacknowledged()
                        .forEach(fact -> recentIds.release(tenant, fact.eventId())));
        // Acknowledgements arrive on the producer's I/O thread; answer from the request's own context (event loop).
        Context context = Vertx.currentContext();
        if (context != null) {
            published = published.emitOn(task -> context.runOnContext(ignored -> task.run()));
        }
        return published.map(ignored -> {
            accepted.increment(acceptedCount);
            duplicates.increment(duplicateTotal);
            return new IngestResult(acceptedCount, duplicateTotal);
        });
    }
}
