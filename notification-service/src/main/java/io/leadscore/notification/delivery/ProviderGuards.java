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
 * One SmallRye Fault Tolerance guard per provider (the SMTP server, the SMS API, each chat host, each webhook endpoint):
 * a timeout, a bulkhead and a circuit breaker. A slow or failing provider therefore only ever holds up its own sends.
 * Retries are not done here but by the delivery worker, which persists them and so survives restarts.
 */
@ApplicationScoped
public class ProviderGuards {

    private static final TypeLiteral<Uni<SendResult>> TYPE = new TypeLiteral<>() {
    };

    private final Map<String, TypedGuard<Uni<SendResult>>> guards = new ConcurrentHashMap<>();
    private final NotificationConfig.Providers config;

    public ProviderGuards(NotificationConfig config) {
        this.config = config.providers();
    }

    public Uni<SendResult> call(String provider, Supplier<Uni<SendResult>> send) {
        return guards.computeIfAbsent(provider, this::create).get(send);
    }

    private TypedGuard<Uni<SendResult>> create(String provider) {
        return TypedGuard.create(TYPE)
                .withDescription("provider " + provider)
                .withTimeout().duration(config.timeout().toMillis(), ChronoUnit.MILLIS).done()
                .withBulkhead().limit(config.bulkhead()).queueSize(config.bulkheadQueue()).done()
                .withCircuitBreaker()
                // A send refused because its tenant is busy never reached the provider: not the provider's failure.
                .skipOn(TenantLimiter.TenantBusyException.class)
                .requestVolumeThreshold(config.breakerVolume())
                .failureRatio(config.breakerFailureRatio())
                .delay(config.breakerDelay().toMillis(), ChronoUnit.MILLIS)
                .done()
                .withThreadOffload(false)
                .build();
    }
}
