package io.leadscore.notification.delivery;

import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;

import io.leadscore.notification.config.NotificationConfig;
import io.leadscore.notification.domain.SendResult;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;

/**
 * SmallRye Fault Tolerance guards per provider (the SMTP server, the SMS API, each chat host, each webhook endpoint): a
 * bulkhead, and inside it a circuit breaker and a timeout. A slow or failing provider therefore only ever holds up its
 * own sends. Between the two, the caller may still refuse to send (its tenant has too many sends in flight): such a
 * refusal never reaches the breaker, which must judge only real calls (SmallRye counts an exception it is told to skip
 * as a success, which would close a half-open breaker without the provider ever being called).
 * Retries are not done here but by the delivery worker, which persists them and so survives restarts.
 */
@ApplicationScoped
public class ProviderGuards {

    private static final TypeLiteral<Uni<SendResult>> TYPE = new TypeLiteral<>() {
    };

    private final Map<String, TypedGuard<Uni<SendResult>>> bulkheads = new ConcurrentHashMap<>();
    private final Map<String, TypedGuard<Uni<SendResult>>> breakers = new ConcurrentHashMap<>();
    private final NotificationConfig.Providers config;

    public ProviderGuards(NotificationConfig config) {
        this.config = config.providers();
    }

    /**
     * Runs {@code admit} within the provider's bulkhead; {@code admit} either refuses (a failed Uni that is not the
     * provider's) or calls {@link #protect} for the provider call itself.
     */
    public Uni<SendResult> call(String provider, Supplier<Uni<SendResult>> admit) {
        return bulkheads.computeIfAbsent(provider, this::bulkhead).get(admit);
    }

    /** The provider call under its circuit breaker and timeout. */
    public Uni<SendResult> protect(String provider, Supplier<Uni<SendResult>> send) {
        return breakers.computeIfAbsent(provider, this::breaker).get(send);
    }

    private TypedGuard<Uni<SendResult>> bulkhead(String provider) {
        return TypedGuard.create(TYPE)
                .withDescription("provider " + provider + " (bulkhead)")
                .withBulkhead().limit(config.bulkhead()).queueSize(config.bulkheadQueue()).done()
                .withThreadOffload(false)
                .build();
    }

    private TypedGuard<Uni<SendResult>> breaker(String provider) {
        return TypedGuard.create(TYPE)
                .withDescription("provider " + provider)
                .withTimeout().duration(config.timeout().toMillis(), ChronoUnit.MILLIS).done()
                .withCircuitBreaker()
                .requestVolumeThreshold(config.breakerVolume())
                .failureRatio(config.breakerFailureRatio())
                .delay(config.breakerDelay().toMillis(), ChronoUnit.MILLIS)
                .done()
                .withThreadOffload(false)
                .build();
    }
}
