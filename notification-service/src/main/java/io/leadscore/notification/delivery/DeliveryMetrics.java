package io.leadscore.notification.delivery;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.notification.domain.Channel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Alerts sent and failed per channel, and how long they took to leave. */
@ApplicationScoped
public class DeliveryMetrics {

    private final MeterRegistry registry;

    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** @param outcome {@code delivered}, {@code retry} or {@code failed} */
    public void attempt(Channel channel, String outcome) {
        Counter.builder("leadscore.notification.attempts").description("Provider calls by outcome")
                .tag("channel", channel.wire()).tag("outcome", outcome).register(registry).increment();
    }

    public void delivered(Channel channel) {
        Counter.builder("leadscore.notification.alerts.sent").description("Alerts a provider accepted")
                .tag("channel", channel.wire()).register(registry).increment();
    }

    public void failed(Channel channel) {
        Counter.builder("leadscore.notification.alerts.failed").description("Alerts given up on")
                .tag("channel", channel.wire()).register(registry).increment();
    }

    /**
     * Time from the routing message's arrival here to the provider's acceptance (first attempts that were not held),
     * and from ingest receiving the causing event, when the message carries it.
     */
    public void latency(Channel channel, Instant arrivedAt, Instant sourceReceivedAt, Instant sentAt) {
        Timer.builder("leadscore.notification.alert.dispatch").description("Routing message arrival to alert sent")
                .tag("channel", channel.wire()).publishPercentileHistogram().register(registry)
                .record(Duration.between(arrivedAt, sentAt));
        if (sourceReceivedAt != null) {
            Timer.builder("leadscore.notification.alert.latency").description("Event received by ingest to alert sent")
                    .tag("channel", channel.wire()).publishPercentileHistogram().register(registry)
                    .record(Duration.between(sourceReceivedAt, sentAt));
        }
    }
}
