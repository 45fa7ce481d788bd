package io.leadscore.routing.lead;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;

/**
 * What a batch does when its one transaction fails: if the database answers, the batch's items are handled one per
 * transaction and each one that still fails is set aside (the score-change consumer dead-letters its record, the timers
 * push its timers back), so one item that cannot be handled does not stop the others. If the database does not answer,
 * the batch's failure is passed on and nothing is set aside: the whole batch is retried later.
 */
final class OneByOne {

    private static final Logger LOG = Logger.getLogger(OneByOne.class);

    private OneByOne() {
    }

    /**
     * @param what the batch, for the log ("Routing a batch of 12")
     * @param handle handles one item in a transaction of its own
     * @param setAside takes an item whose own transaction failed, with that failure; when it fails, the fallback stops
     *     with that failure
     */
    static <T> Uni<Void> handle(PgPool pool, String what, List<T> items, Throwable batchFailure,
            Function<T, Uni<Void>> handle, BiFunction<T, Throwable, Uni<Void>> setAside) {
        return pool.query("SELECT 1").execute()
                .onFailure().transform(down -> {
                    LOG.errorf(batchFailure, "%s failed and the database does not answer; leaving it to a retry", what);
                    return batchFailure;
                })
                .chain(() -> {
                    LOG.warnf("%s failed (%s); handling its items one by one", what, batchFailure.getMessage());
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (T item : items) {
                        chain = chain.chain(() -> handle.apply(item)
                                .onFailure().recoverWithUni(f -> setAside.apply(item, f)));
                    }
                    return chain;
                });
    }
}
