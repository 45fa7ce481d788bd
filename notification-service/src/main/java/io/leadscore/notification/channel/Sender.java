package io.leadscore.notification.channel;

import io.leadscore.notification.domain.Channel;
import io.leadscore.notification.domain.SendResult;
import io.smallrye.mutiny.Uni;

/**
 * Delivers alerts on one channel. Implementations never block the calling thread.
 *
 * <p>
 * A delivered or permanently refused message completes the {@code Uni} with the result. A transient failure (timeout,
 * connection failure, 5xx, SMTP 4xx) fails it with {@link TransientFailure}, so the provider's circuit breaker counts
 * it; the dispatcher turns it back into a result and schedules a retry.
 */
public interface Sender {

    Channel channel();

    /** The provider this message goes to; timeouts, bulkheads and circuit breakers are kept per provider. */
    String provider(OutgoingMessage message);

    Uni<SendResult> send(OutgoingMessage message);

    /** A failure worth retrying, carrying what the provider answered. */
    final class TransientFailure extends RuntimeException {
        private final SendResult result;

        public TransientFailure(SendResult result) {
            super(result.response(), null, false, false);
            this.result = result;
        }

        public SendResult result() {
            return result;
        }
    }

    /** Completes with {@code result}, or fails with {@link TransientFailure} when it is transient. */
    static Uni<SendResult> settle(SendResult result) {
        if (result.outcome() == SendResult.Outcome.TRANSIENT) {
            return Uni.createFrom().failure(new TransientFailure(result));
        }
        return Uni.createFrom().item(result);
    }
}
