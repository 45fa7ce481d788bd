package io.leadscore.routing.support;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Another transaction on its own connection, for the lock-order tests: it holds locks while the code under test runs,
 * and the test checks what that code waits for and what it has left alone.
 */
public final class OtherTransaction {

    private OtherTransaction() {
    }

    /** What the other transaction does between its BEGIN and its COMMIT; answers what the test needs afterwards. */
    public interface Steps<T> {
        T run(SqlConnection conn) throws Exception;
    }

    /**
     * Runs {@code steps} in a transaction of a connection of its own and commits it. The connection is closed in any
     * case, so a step that fails (a lock refused) rolls the transaction back.
     */
    public static <T> T run(PgPool pool, Steps<T> steps) throws Exception {
        SqlConnection conn = pool.getConnection().await().indefinitely();
        try {
            conn.query("BEGIN").execute().await().indefinitely();
            T result = steps.run(conn);
            conn.query("COMMIT").execute().await().indefinitely();
            return result;
        } finally {
            conn.close().await().indefinitely();
        }
    }

    /**
     * Waits up to 10 s until a statement whose text is {@code LIKE queryPattern} waits for a lock; fails with
     * {@code what} otherwise.
     */
    public static void awaitWaitingForLock(PgPool pool, String queryPattern, String what) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            long waiting = pool.preparedQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    + "AND query LIKE $1").execute(io.vertx.mutiny.sqlclient.Tuple.of(queryPattern)).await()
                    .indefinitely().iterator().next().getLong(0);
            if (waiting > 0) {
                return;
            }
            Thread.sleep(50);
        }
        fail(what);
    }
}
