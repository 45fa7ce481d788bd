package io.leadscore.routing.lead;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.leadscore.contracts.LeadEvent;
import io.leadscore.routing.api.BadRequest;
import io.leadscore.routing.api.Forbidden;
import io.leadscore.routing.api.NotFound;
import io.leadscore.routing.api.TraceContext;
import io.leadscore.routing.config.RoutingConfig;
import io.leadscore.routing.domain.LeadRouter;
import io.leadscore.routing.domain.LeadRouting;
import io.leadscore.routing.domain.RoutingRejected;
import io.leadscore.routing.domain.Stage;
import io.leadscore.routing.domain.Transition;
import io.leadscore.routing.domain.owner.OwnerBook;
import io.leadscore.routing.domain.owner.Rep;
import io.leadscore.routing.domain.policy.RoutingPolicy;
import io.leadscore.routing.outbox.OutboxMessage;
import io.leadscore.routing.outbox.OutboxPublisher;
import io.leadscore.routing.owner.OwnerBooks;
import io.leadscore.routing.policy.PolicyStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** Commands from people: sales feedback and reassignment, each one transaction with its messages in the outbox. */
@ApplicationScoped
public class LeadCommands {

    /** The event type feedback appends to the lead's event log. */
    public static final String SALES_OUTCOME = "sales_outcome";

    /** What a command did. */
    public record Outcome(String leadId, String stage, String ownerRepId, String teamId, List<String> transitionIds,
            String eventId) {
    }

    private final PgPool pool;
    private final Clock clock;
    private final PolicyStore policies;
    private final LeadStore leads;
    private final OwnerBooks owners;
    private final RoutingWriter writer;
    private final OutboxPublisher publisher;
    private final LeadRouter router;

    public LeadCommands(PgPool pool, Clock clock, PolicyStore policies, LeadStore leads, OwnerBooks owners,
            RoutingWriter writer, OutboxPublisher publisher, RoutingConfig config) {
        this.pool = pool;
        this.clock = clock;
        this.policies = policies;
        this.leads = leads;
        this.owners = owners;
        this.writer = writer;
        this.publisher = publisher;
        this.router = new LeadRouter(config.waitingRetry());
    }

    /**
     * Records a sales outcome. {@code onlyFor}, when not null, is the rep a rep's own token acts for: the lead must be
     * that rep's, or be waiting for an owner in that rep's team's queue and be accepted (see {@link #mayTake}); checked
     * under the lead's lock so a reassignment cannot slip in between.
     */
    public Uni<Outcome> feedback(String tenant, String leadId, Stage outcome, String reason, String repId,
            String onlyFor) {
        Instant now = Clocks.now(clock);
        String eventId = "feedback-" + UUID.randomUUID();
        return pool.withTransaction(conn -> load(conn, tenant, leadId)
                .call(stored -> onlyFor == null || onlyFor.equals(stored.lead().ownerRepId())
                        ? Uni.createFrom().voidItem()
                        : outcome != Stage.ACCEPTED
                                ? Uni.createFrom().failure(new Forbidden(notOwned(stored.lead(), onlyFor)))
                                : mayTake(conn, stored.lead(), onlyFor))
                .chain(stored -> rep(conn, tenant, repId).chain(rep -> policies.active(conn, tenant)
                        .chain(policy -> {
                            LeadRouter.Routed r = router.feedback(policy, stored.lead(), outcome, reason, rep, now);
                            String trace = TraceContext.current(stored.traceparent());
                            Map<String, Object> properties = new LinkedHashMap<>();
                            properties.put("outcome", outcome.wire());
                            if (reason != null) {
                                properties.put("reason", reason);
                            }
                            String by = repId != null ? repId : stored.lead().ownerRepId();
                            if (by != null) {
                                properties.put("repId", by);
                            }
                            var event = new LeadEvent(LeadEvent.CURRENT_SCHEMA_VERSION, tenant, eventId, leadId,
                                    SALES_OUTCOME, now, now, properties, null);
                            var change = new LeadChange(stored.lead(), r.lead(), r.transitions(), List.of(), policy,
                                    trace);
                            return writer.write(conn, List.of(change), List.of(RoutingMessages.leadEvent(event,
                                    trace, writer::json))).map(messages -> new Sent(messages, outcome(r, eventId)));
                        }))))
                .invoke(sent -> publisher.publishInBackground(sent.messages()))
                .map(Sent::outcome);
    }

    public Uni<Outcome> reassign(String tenant, String leadId, String repId) {
        Instant now = Clocks.now(clock);
        return pool.withTransaction(conn -> load(conn, tenant, leadId)
                .chain(stored -> policies.active(conn, tenant).chain(policy -> owners.lockAndLoad(conn, tenant)
                        .chain(book -> {
                            if (repId != null && book.rep(repId).isEmpty()) {
                                throw new BadRequest("repId", "no rep " + repId);
                            }
                            return saveOwnerChange(conn, tenant, policy, stored, book,
                                    router.reassign(policy, stored.lead(), book, repId, now));
                        }))))
                .invoke(sent -> publisher.publishInBackground(sent.messages()))
                .map(Sent::outcome);
    }

    /**
     * A rep's own token takes a lead waiting for an owner in its team's queue without deciding on it yet: the rep
     * becomes the owner, the lead stays in its stage and the stage's follow-up SLA starts (as {@link #mayTake}
     * allows).
     */
    public Uni<Outcome> claim(String tenant, String leadId, String repId) {
        Instant now = Clocks.now(clock);
        return pool.withTransaction(conn -> load(conn, tenant, leadId)
                .chain(stored -> (stored.lead().isWaiting()
                        ? mayTake(conn, stored.lead(), repId)
                        : Uni.createFrom().<OwnerBook>failure(new Forbidden(LeadRouter.notWaiting(stored.lead()))))
                        .chain(book -> policies.active(conn, tenant).chain(policy -> saveOwnerChange(conn, tenant,
                                policy, stored, book, router.claim(policy, stored.lead(), book, repId, now))))))
                .invoke(sent -> publisher.publishInBackground(sent.messages()))
                .map(Sent::outcome);
    }

    private record Sent(List<OutboxMessage> messages, Outcome outcome) {
    }

    /** Writes an owner change decided under the locked owner book: the book's cursors, the lead and its transition. */
    private Uni<Sent> saveOwnerChange(SqlConnection conn, String tenant, RoutingPolicy policy, StoredLead stored,
            OwnerBook book, LeadRouter.Routed r) {
        var change = new LeadChange(stored.lead(), r.lead(), r.transitions(), List.of(), policy,
                TraceContext.current(stored.traceparent()));
        return owners.saveCursors(conn, tenant, book)
                .chain(() -> writer.write(conn, List.of(change), List.of()))
                .map(messages -> new Sent(messages, outcome(r, null)));
    }

    private static String notOwned(LeadRouting lead, String repId) {
        return "lead " + lead.leadId() + " is not owned by rep '" + repId + "'; a rep's token records feedback only on "
                + "that rep's own leads, or takes a lead waiting for an owner in its team's queue";
    }

    /**
     * Fails unless a rep's own token may take {@code lead}: it waits for an owner in the rep's team's queue, and the rep
     * is active and below its capacity; answers the owner book, locked as for any assignment, so two reps' simultaneous
     * takes of their last free slots are counted one after the other. Taking is accepting the lead (feedback, as the
     * accept button of a queue does) or claiming it ({@link #claim}).
     */
    private Uni<OwnerBook> mayTake(SqlConnection conn, LeadRouting lead, String repId) {
        if (lead.ownerRepId() != null || !lead.isWaiting()) {
            return Uni.createFrom().failure(new Forbidden(notOwned(lead, repId)));
        }
        return owners.lockAndLoad(conn, lead.tenant()).invoke(book -> {
            Rep rep = book.rep(repId).orElseThrow(() -> new Forbidden("no rep '" + repId + "' in this tenant"));
            if (!LeadQueries.inTeamQueueOf(lead.teamId(), rep.teamId())) {
                throw new Forbidden(notOwned(lead, repId) + "; it waits in " + (lead.teamId() == null
                        ? "no team's queue"
                        : "team " + lead.teamId() + "'s queue") + ", and rep '" + repId + "' is in "
                        + (rep.teamId() == null ? "no team" : "team " + rep.teamId()));
            }
            if (!rep.active()) {
                throw new RoutingRejected("rep " + repId + " is not active");
            }
            int open = book.openLeads(repId);
            if (open >= rep.capacity()) {
                throw new RoutingRejected("rep " + repId + " already has " + open + " open lead(s), its capacity");
            }
        });
    }

    private Uni<StoredLead> load(SqlConnection conn, String tenant, String leadId) {
        return leads.load(conn, tenant, List.of(leadId), true).map(found -> {
            StoredLead s = found.get(leadId);
            if (s == null) {
                throw new NotFound("no lead " + leadId);
            }
            return s;
        });
    }

    private static Uni<Rep> rep(SqlConnection conn, String tenant, String repId) {
        if (repId == null) {
            return Uni.createFrom().nullItem();
        }
        return conn.preparedQuery("SELECT " + OwnerBooks.REP_COLUMNS + " FROM sales_rep WHERE tenant = $1 AND rep_id = $2")
                .execute(Tuple.of(tenant, repId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new BadRequest("repId", "no rep " + repId);
                    }
                    return OwnerBooks.rep(rows.iterator().next());
                });
    }

    private static Outcome outcome(LeadRouter.Routed r, String eventId) {
        return new Outcome(r.lead().leadId(), r.lead().stage().wire(), r.lead().ownerRepId(), r.lead().teamId(),
                r.transitions().stream().map(Transition::transitionId).toList(), eventId);
    }
}
