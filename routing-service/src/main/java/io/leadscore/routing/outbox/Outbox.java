package io.leadscore.routing.outbox;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.routing.config.RoutingConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes messages in the caller's transaction, so they exist exactly when the change that causes them does. The writer
 * claims them for {@code outbox-claim}, publishes them after commit, and deletes each once Kafka has acknowledged it;
 * whatever is left is the sweeper's.
 */
@ApplicationScoped
public class Outbox {

    static final String COLUMNS = "id, topic, message_key, payload, schema_version, traceparent";

    private final RoutingConfig config;

    public Outbox(RoutingConfig config) {
        this.config = config;
    }

    public Uni<List<OutboxMessage>> add(SqlConnection conn, List<OutboxMessage> messages) {
        if (messages.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        int n = messages.size();
        String[] topics = new String[n];
        String[] keys = new String[n];
        String[] payloads = new String[n];
        Integer[] versions = new Integer[n];
        String[] traces = new String[n];
        for (int i = 0; i < n; i++) {
            OutboxMessage m = messages.get(i);
            topics[i] = m.topic();
            keys[i] = m.key();
            payloads[i] = m.payload();
            versions[i] = m.schemaVersion();
            traces[i] = m.traceparent();
        }
        return conn.preparedQuery("INSERT INTO outbox (topic, message_key, payload, schema_version, traceparent, "
                + "claimed_until) SELECT t, k, p, v, tp, now() + $6 * interval '1 millisecond' "
                + "FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[]) AS u(t, k, p, v, tp) "
                + "RETURNING " + COLUMNS)
                .execute(Tuple.of(topics, keys, payloads, versions, traces).addLong(config.outboxClaim().toMillis()))
                .map(Outbox::messages);
    }

    static List<OutboxMessage> messages(RowSet<Row> rows) {
        List<OutboxMessage> result = new ArrayList<>();
        for (Row r : rows) {
            result.add(new OutboxMessage(r.getLong("id"), r.getString("topic"), r.getString("message_key"),
                    r.getString("payload"), r.getInteger("schema_version"), r.getString("traceparent")));
        }
        result.sort(java.util.Comparator.comparingLong(OutboxMessage::id));
        return result;
    }
}
