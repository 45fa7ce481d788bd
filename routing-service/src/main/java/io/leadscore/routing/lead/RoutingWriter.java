package io.leadscore.routing.lead;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.routing.outbox.Outbox;
import io.leadscore.routing.outbox.OutboxMessage;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Persists lead changes and their messages in the caller's transaction: the read model, the history and the outbox
 * rows are committed together or not at all.
 */
@ApplicationScoped
public class RoutingWriter {

    private final LeadStore store;
    private final Outbox outbox;
    private final ObjectMapper wire = ContractsJson.mapper();

    public RoutingWriter(LeadStore store, Outbox outbox) {
        this.store = store;
        this.outbox = outbox;
    }

    /** Answers the stored outbox messages, to be published once the transaction has committed. */
    public Uni<List<OutboxMessage>> write(SqlConnection conn, List<LeadChange> changes, List<OutboxMessage> extra) {
        List<OutboxMessage> messages = new ArrayList<>();
        for (LeadChange c : changes) {
            messages.addAll(RoutingMessages.of(c, this::json));
        }
        messages.addAll(extra);
        return store.save(conn, changes).chain(() -> outbox.add(conn, messages));
    }

    public String json(Object value) {
        try {
            return wire.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}
