package io.leadscore.notification.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.leadscore.notification.domain.UrlPolicy;

/** The URL rules for rep-supplied chat and webhook addresses, checked on save and again before every send. */
public class UrlPolicyProducer {

    @Produces
    @Singleton
    UrlPolicy urlPolicy(NotificationConfig config) {
        return new UrlPolicy(config.allowInsecureLoopback(), UrlPolicy.DNS);
    }
}
