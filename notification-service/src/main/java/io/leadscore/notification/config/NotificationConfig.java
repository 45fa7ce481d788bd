package io.leadscore.notification.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "leadscore.notification")
public interface NotificationConfig {

    /** Base URL of the public API (scoring's explanation endpoint) used for links in alerts. */
    @WithDefault("http://localhost:8082")
    String publicBaseUrl();

    /**
     * Allows rep chat and webhook URLs to target loopback addresses, over http too (dev, test, local stack only). Private,
     * link-local and other non-public targets stay forbidden.
     */
    @WithDefault("false")
    boolean allowInsecureLoopback();

    /**
     * The keys that seal reps' webhook secrets and chat webhook URLs in the database: {@code id:base64,...}, each 32
     * random bytes, the first sealing new values, all opening stored ones (see {@code SecretBox}). Required: the
     * service does not start without them.
     */
    java.util.Optional<String> secretsKeys();

    Retry retry();

    Worker worker();

    Providers providers();

    Sms sms();

    Webhook webhook();

    Quota quota();

    /**
     * How often the delivery backlog gauges are read from the database ({@code off} disables the job; see
     * {@code DeliveryBacklog}).
     */
    @WithDefault("5s")
    String backlogRefresh();

    /** How many sends one tenant may have in flight on one replica; more wait, so one tenant cannot starve others. */
    @WithDefault("32")
    int tenantConcurrency();

    interface Retry {
        /** Attempts per delivery before it is recorded as failed (transient failures only; permanent ones stop at once). */
        @WithDefault("6")
        int maxAttempts();

        /** First back-off; each further retry doubles it (with jitter). */
        @WithDefault("1s")
        Duration baseDelay();

        @WithDefault("5m")
        Duration maxDelay();
    }

    interface Worker {
        /** How often due deliveries (retries, quiet-hour releases, deliveries left by a crash) are looked for. */
        @WithDefault("1s")
        Duration interval();

        /** Deliveries claimed per round. */
        @WithDefault("200")
        int batchSize();

        /** At most this many of one tenant's deliveries per round, so a tenant's backlog cannot crowd out others. */
        @WithDefault("50")
        int perTenantBatch();

        /** How long a claimed delivery stays reserved for the replica sending it; must exceed the send timeout. */
        @WithDefault("60s")
        Duration lease();
    }

    interface Providers {
        /** Longest wait for any one provider call. */
        @WithDefault("10s")
        Duration timeout();

        /** Concurrent calls per provider (SMTP server, SMS API, chat host, webhook endpoint). */
        @WithDefault("16")
        int bulkhead();

        /** Calls waiting for a free slot per provider; beyond that a send is postponed, not attempted. */
        @WithDefault("64")
        int bulkheadQueue();

        /** Circuit breaker: calls in the rolling window before the failure ratio is judged. */
        @WithDefault("20")
        int breakerVolume();

        @WithDefault("0.5")
        double breakerFailureRatio();

        /** How long an open breaker refuses calls before letting a trial call through. */
        @WithDefault("30s")
        Duration breakerDelay();
    }

    interface Sms {
        /** A Twilio-compatible API: {@code POST {baseUrl}/2010-04-01/Accounts/{sid}/Messages.json}. */
        @WithDefault("https://api.twilio.com")
        String baseUrl();

        Optional<String> accountSid();

        Optional<String> authToken();

        /** The sending number (E.164) or messaging service id. */
        Optional<String> from();
    }

    interface Webhook {
        /** How long the previous secret keeps signing after a rotation. */
        @WithDefault("24h")
        Duration secretRotationGrace();
    }

    interface Quota {
        /** Default daily cap per tenant (UTC day). */
        @WithDefault("1000")
        int smsPerDay();

        @WithDefault("10000")
        int emailPerDay();

        /** Per-tenant overrides, e.g. {@code leadscore.notification.quota.tenants.acme.sms-per-day=5000}. */
        Map<String, TenantQuota> tenants();
    }

    interface TenantQuota {
        Optional<Integer> smsPerDay();

        Optional<Integer> emailPerDay();
    }
}
