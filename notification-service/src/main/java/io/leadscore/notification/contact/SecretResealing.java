package io.leadscore.notification.contact;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.pgclient.PgPool;

/**
 * At start, in the background, seals again the contact secrets stored in plaintext or under a key that is no longer
 * the first (see {@link ContactStore#resealOutdated}): after a key rotation one restart leaves nothing that needs the
 * old key, and rows from before sealing existed get sealed.
 */
@ApplicationScoped
public class SecretResealing {

    private static final Logger LOG = Logger.getLogger(SecretResealing.class);

    void onStart(@Observes StartupEvent event, ContactStore contacts, PgPool pool) {
        contacts.resealOutdated(pool).subscribe().with(
                rewritten -> {
                    if (rewritten > 0) {
                        LOG.infof("Sealed the secrets of %d rep contact(s) with the current key", rewritten);
                    }
                },
                failure -> LOG.warnf("Sealing stored contact secrets again failed (retried at the next start): %s",
                        failure.getMessage()));
    }
}
