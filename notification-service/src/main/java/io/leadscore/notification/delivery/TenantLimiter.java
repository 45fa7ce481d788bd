package io.leadscore.notification.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.notification.config.NotificationConfig;

/**
 * Caps the sends one tenant has in flight on this replica. A tenant with a burst of alerts to a slow endpoint waits for
 * its own sends; the other tenants' sends go ahead. A slot is held only during a provider call (taken inside the
 * provider's guard), so one slow provider holds at most its bulkhead's worth of a tenant's slots.
 */
@ApplicationScoped
public class TenantLimiter {

    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final int limit;

    public TenantLimiter(NotificationConfig config) {
        this.limit = config.tenantConcurrency();
    }

    public boolean tryAcquire(String tenant) {
        AtomicInteger count = inFlight.computeIfAbsent(tenant, t -> new AtomicInteger());
        if (count.incrementAndGet() > limit) {
            count.decrementAndGet();
            return false;
        }
        return true;
    }

    /** The tenant already has its limit of sends in flight; the delivery is postponed, not attempted. */
    public static class TenantBusyException extends RuntimeException {
        public TenantBusyException(String tenant) {
            super("tenant " + tenant + " has its limit of sends in flight", null, false, false);
        }
    }

    public void release(String tenant) {
        AtomicInteger count = inFlight.get(tenant);
        if (count != null) {
            count.decrementAndGet();
        }
    }
}
