package io.leadscore.routing.lead;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.routing.api.BadRequest;
import io.leadscore.routing.domain.LeadRouting;
import io.leadscore.routing.domain.Stage;
import io.leadscore.routing.lead.LeadViews.LeadStageView;
import io.leadscore.routing.lead.LeadViews.QueueItem;
import io.leadscore.routing.lead.LeadViews.QueuePage;
import io.leadscore.routing.lead.LeadViews.ScoreView;
import io.leadscore.routing.lead.LeadViews.TransitionView;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Tenant-scoped reads of the lead read model. */
@ApplicationScoped
public class LeadQueries {

    /** {@code owner=unassigned} lists the leads waiting for an owner. */
    public static final String UNASSIGNED = "unassigned";

    private final PgPool pool;
    private final LeadStore store;
    private final ObjectMapper mapper;

    public LeadQueries(PgPool pool, LeadStore store, ObjectMapper mapper) {
        this.pool = pool;
        this.store = store;
        this.mapper = mapper;
    }

    /**
     * Whether a lead waiting in {@code leadTeamId}'s queue is in the queue of a rep of {@code repTeamId}, which a rep's
     * own token may list, read and accept from. A lead waiting in no team's queue is no rep's to take.
     */
    public static boolean inTeamQueueOf(String leadTeamId, String repTeamId) {
        return leadTeamId != null && leadTeamId.equals(repTeamId);
    }

    /** The rep's team, empty when the rep has none or there is no such rep. */
    public Uni<Optional<String>> repTeam(String tenant, String repId) {
        return pool.preparedQuery("SELECT team_id FROM sales_rep WHERE tenant = $1 AND rep_id = $2")
                .execute(Tuple.of(tenant, repId))
                .map(rows -> rows.size() == 0
                        ? Optional.<String>empty()
                        : Optional.ofNullable(rows.iterator().next().getString("team_id")));
    }

    /** The lead's stage, owner and full history; null when the tenant has no such lead. */
    public Uni<LeadStageView> stage(String tenant, String leadId) {
        return store.load(pool, tenant, List.of(leadId), false).chain(found -> {
            StoredLead s = found.get(leadId);
            if (s == null) {
                return Uni.createFrom().nullItem();
            }
            return pool.preparedQuery("SELECT seq, transition_id, from_stage, to_stage, rule_id, policy_version, "
                    + "reason, owner_rep_id, team_id, sla_deadline, changed_at, scores::text AS scores "
                    + "FROM stage_transition WHERE tenant = $1 AND lead_id = $2 ORDER BY seq")
                    .execute(Tuple.of(tenant, leadId))
                    .chain(rows -> pool.preparedQuery("SELECT queue_score FROM lead_stage WHERE tenant = $1 "
                            + "AND lead_id = $2").execute(Tuple.of(tenant, leadId))
                            .map(q -> view(s.lead(), q.iterator().next().getDouble("queue_score"), rows)));
        });
    }

    private LeadStageView view(LeadRouting l, double queueScore, Iterable<Row> rows) {
        List<TransitionView> history = new ArrayList<>();
        for (Row r : rows) {
            history.add(new TransitionView(r.getString("transition_id"), r.getInteger("seq"),
                    r.getString("from_stage"), r.getString("to_stage"), r.getString("rule_id"),
                    r.getInteger("policy_version"), r.getString("reason"), r.getString("owner_rep_id"),
                    r.getString("team_id"), LeadStore.instant(r, "sla_deadline"), LeadStore.instant(r, "changed_at"),
                    read(r.getString("scores"))));
        }
        List<ScoreView> scores = l.scores().values().stream()
                .map(s -> new ScoreView(s.modelId(), s.modelVersion(), s.score(), s.band(), s.computedAt())).toList();
        return new LeadStageView(l.leadId(), l.stage().wire(), l.since(), l.ownerRepId(), l.teamId(), l.isWaiting(),
                l.slaDeadline(), l.cooldownUntil(), l.entryRuleId(), l.policyVersion(), queueScore, scores,
                l.attributes(), history);
    }

    /** A work queue ordered by score (highest first), a page at a time. */
    public Uni<QueuePage> queue(String tenant, Stage stage, String team, String owner, int limit, String after) {
        List<Object> params = new ArrayList<>(List.of(tenant, stage.wire()));
        StringBuilder sql = new StringBuilder("SELECT lead_id, stage, queue_score, owner_rep_id, team_id, since, "
                + "sla_deadline FROM lead_stage WHERE tenant = $1 AND stage = $2");
        if (team != null) {
            params.add(team);
            sql.append(" AND team_id = $").append(params.size());
        }
        if (UNASSIGNED.equals(owner)) {
            sql.append(" AND owner_rep_id IS NULL");
        } else if (owner != null) {
            params.add(owner);
            sql.append(" AND owner_rep_id = $").append(params.size());
        }
        if (after != null) {
            Cursor c = Cursor.decode(after);
            params.add(c.score());
            params.add(c.leadId());
            sql.append(" AND (queue_score, lead_id) < ($").append(params.size() - 1).append(", $")
                    .append(params.size()).append(")");
        }
        params.add(limit + 1);
        sql.append(" ORDER BY queue_score DESC, lead_id DESC LIMIT $").append(params.size());
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(params)).map(rows -> {
            List<QueueItem> items = new ArrayList<>();
            for (Row r : rows) {
                items.add(new QueueItem(r.getString("lead_id"), r.getString("stage"), r.getDouble("queue_score"),
                        r.getString("owner_rep_id"), r.getString("team_id"), LeadStore.instant(r, "since"),
                        LeadStore.instant(r, "sla_deadline")));
            }
            String next = null;
            if (items.size() > limit) {
                items = items.subList(0, limit);
                QueueItem last = items.get(limit - 1);
                next = new Cursor(last.score(), last.leadId()).encode();
            }
            return new QueuePage(stage.wire(), List.copyOf(items), next);
        });
    }

    private List<Map<String, Object>> read(String json) {
        try {
            return mapper.readValue(json, new TypeReference<List<Map<String, Object>>>() {
            });
        } catch (IOException e) {
            throw new IllegalStateException("unreadable transition scores", e);
        }
    }

    /** The position after the last item of a page: its score and lead id, opaque to clients. */
    record Cursor(double score, String leadId) {
        String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((score + "\n" + leadId).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String token) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                int nl = text.indexOf('\n');
                return new Cursor(Double.parseDouble(text.substring(0, nl)), text.substring(nl + 1));
            } catch (RuntimeException e) {
                throw new BadRequest("after", "not a cursor from a previous page's 'next'");
            }
        }
    }
}
