package io.leadscore.ingest.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

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
 *
 * <p>
 * An event whose id another request is publishing at this moment (the client timed out and resent) is neither
 * counted as a duplicate nor published twice: this request waits for that publish to settle, then counts it as a
 * duplicate if it was stored, or publishes it itself if the broker refused it. Nothing blocks while waiting; the
 * request's other events are published meanwhile.
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
        for (EventValidator.ValidEvent e : events) {
            String eventId = e.eventId() != null ? e.eventId() : UUID.randomUUID().toString();
            facts.add(new LeadEvent(LeadEvent.CURRENT_SCHEMA_VERSION, tenant, eventId, e.leadId(), e.type(),
                    e.occurredAt(), receivedAt, e.properties(), e.attributes()));
        }
        // Sent when subscribed (once, by the request), like any other Uni.
        Uni<IngestResult> result = Uni.createFrom().completionStage(() -> publish(tenant, facts));
        // Acknowledgements arrive on the producer's I/O thread; answer from the request's own context (event loop).
        Context context = Vertx.currentContext();
        if (context != null) {
            result = result.emitOn(task -> context.runOnContext(ignored -> task.run()));
        }
        return result.invoke(r -> {
            accepted.increment(r.accepted());
            duplicates.increment(r.duplicates());
        });
    }

    /**
     * Publishes the facts whose ids are new, counts those already stored as duplicates, and for those another request
     * is publishing right now waits until that settles and tries them again. Completes when all are known to be stored
     * or, as soon as any publish fails, with that failure. The claimed ids are settled when the broker answers, whether
     * or not anyone still waits for this result (a client may hang up), so no id stays in flight.
     */
    private CompletableFuture<IngestResult> publish(String tenant, List<LeadEvent> facts) {
        var batch = new RecentEventIds.Publishing();
        List<LeadEvent> claimed = new ArrayList<>(facts.size());
        Map<RecentEventIds.Publishing, List<LeadEvent>> inFlight = null;
        int duplicateCount = 0;
        for (LeadEvent fact : facts) {
            int claimedBefore = batch.claimed();
            RecentEventIds.Publishing owner = recentIds.claim(tenant, fact.eventId(), batch);
            if (owner == batch && batch.claimed() > claimedBefore) {
                claimed.add(fact);
            } else if (owner == null || owner == batch) {
                // Stored already, or sent twice in this request (if this publish fails, the request fails).
                duplicateCount++;
            } else {
                if (inFlight == null) {
                    inFlight = new LinkedHashMap<>();
                }
                inFlight.computeIfAbsent(owner, o -> new ArrayList<>()).add(fact);
            }
        }
        int duplicateTotal = duplicateCount;
        CompletableFuture<IngestResult> own = publisher.publish(claimed).subscribeAsCompletionStage()
                .handle((ignored, failure) -> {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause()
                            : failure;
                    List<LeadEvent> refused = cause == null
                            ? List.of()
                            : cause instanceof LeadEventPublisher.PublishFailedException f
                                    ? f.unacknowledged()
                                    : claimed;
                    recentIds.settle(batch, tenant, refused.stream().map(LeadEvent::eventId).toList());
                    if (cause != null) {
                        throw cause instanceof CompletionException c ? c : new CompletionException(cause);
                    }
                    return new IngestResult(claimed.size(), duplicateTotal);
                });
        if (inFlight == null) {
            return own;
        }
        List<CompletableFuture<IngestResult>> parts = new ArrayList<>(inFlight.size() + 1);
        parts.add(own);
        inFlight.forEach((owner, waiting) -> parts.add(owner.settled().toCompletableFuture()
                .thenCompose(settled -> publish(tenant, waiting))));
        return sum(parts);
    }

    /** The parts' results added up once all succeeded, or the first failure as soon as it happens. */
    private static CompletableFuture<IngestResult> sum(List<CompletableFuture<IngestResult>> parts) {
        var total = new CompletableFuture<IngestResult>();
        var remaining = new AtomicInteger(parts.size());
        var acceptedSum = new AtomicInteger();
        var duplicatesSum = new AtomicInteger();
        for (CompletableFuture<IngestResult> part : parts) {
            part.whenComplete((result, failure) -> {
                if (failure != null) {
                    total.completeExceptionally(failure);
                    return;
                }
                acceptedSum.addAndGet(result.accepted());
                duplicatesSum.addAndGet(result.duplicates());
                if (remaining.decrementAndGet() == 0) {
                    total.complete(new IngestResult(acceptedSum.get(), duplicatesSum.get()));
                }
            });
        }
        return total;
    }
}
