package io.leadscore.routing.lead;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.routing.domain.LeadRouting;
import io.leadscore.routing.domain.ModelScore;
import io.leadscore.routing.domain.RuleReason;
import io.leadscore.routing.domain.Stage;
import io.leadscore.routing.domain.Transition;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reads and writes the lead read model with plain SQL, a whole batch per statement where it can. */
@ApplicationScoped
public class LeadStore {

    static final String LEAD_COLUMNS = "lead_id, stage, since, entry_rule_id, policy_version, owner_rep_id, team_id, "
            + "sla_deadline, cooldown_until, recheck_at, attributes::text AS attributes, attributes_at, "
            + "transition_count, source_received_at, traceparent";

    private final ObjectMapper mapper;

    public LeadStore(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The stored leads among {@code leadIds}; with {@code lock}, their rows stay locked until the transaction ends. */
    public Uni<Map<String, StoredLead>> load(SqlClient conn, String tenant, Collection<String> leadIds, boolean lock) {
        String[] ids = leadIds.stream().distinct().sorted().toArray(String[]::new);
        Map<String, StoredLead> result = new LinkedHashMap<>();
        Map<String, Map<String, ModelScore>> scores = new HashMap<>();
        return conn.preparedQuery("SELECT " + LEAD_COLUMNS + " FROM lead_stage WHERE tenant = $1 AND lead_id = ANY($2) "
                + "ORDER BY lead_id" + (lock ? " FOR UPDATE" : "")).execute(Tuple.of(tenant, ids))
                .chain(leadRows -> conn.preparedQuery("SELECT lead_id, model_id, model_version, score, band, computed_at, "
                        + "top_contributions::text AS top_contributions FROM lead_model_score WHERE tenant = $1 AND lead_id = ANY($2) ORDER BY lead_id, model_id")
                        .execute(Tuple.of(tenant, ids))
                        .map(scoreRows -> {
                            for (Row r : scoreRows) {
                                scores.computeIfAbsent(r.getString("lead_id"), k -> new LinkedHashMap<>())
                                        .put(r.getString("model_id"), new ModelScore(r.getString("model_id"),
                                                r.getInteger("model_version"), r.getDouble("score"),
                                                r.getString("band"), instant(r, "computed_at"),
                                                reasons(r.getString("top_contributions"))));
                            }
                            for (Row r : leadRows) {
                                String leadId = r.getString("lead_id");
                                result.put(leadId, new StoredLead(lead(tenant, r, scores.getOrDefault(leadId,
                                        Map.of())), r.getString("traceparent")));
                            }
                            return result;
                        }));
    }

    /**
     * Writes the changed leads, their changed scores and their transitions: one statement per table, whatever the
     * number of leads. (One execution per row took most of a 500-change batch: every row was its own statement run.)
     * A lead listed twice keeps its last state, as one execution per row would have left it.
     */
    public Uni<Void> save(SqlConnection conn, List<LeadChange> changes) {
        Map<String, Object[]> leads = new LinkedHashMap<>();
        Map<String, Object[]> scores = new LinkedHashMap<>();
        List<Object[]> transitions = new ArrayList<>();
        for (LeadChange c : changes) {
            LeadRouting l = c.after();
            leads.put(l.tenant() + '\u0000' + l.leadId(), new Object[]{l.tenant(), l.leadId(), l.stage().wire(),
                    ts(l.since()), l.entryRuleId(), l.policyVersion(), l.ownerRepId(), l.teamId(), ts(l.slaDeadline()),
                    ts(l.cooldownUntil()), ts(l.recheckAt()), c.policy().queueScore(l.scores()), json(l.attributes()),
                    ts(l.attributesAt()), l.transitionCount(), ts(l.sourceReceivedAt()), c.traceparent()});
            for (ModelScore s : l.scores().values()) {
                if (!Objects.equals(c.before().scores().get(s.modelId()), s)) {
                    scores.put(l.tenant() + '\u0000' + l.leadId() + '\u0000' + s.modelId(), new Object[]{l.tenant(),
                            l.leadId(), s.modelId(), s.modelVersion(), s.score(), s.band(), ts(s.computedAt()),
                            json(s.reasons())});
                }
            }
            for (Transition t : c.transitions()) {
                transitions.add(new Object[]{l.tenant(), l.leadId(), t.seq(), t.transitionId(),
                        t.from() == null ? null : t.from().wire(), t.to().wire(), t.ruleId(), t.policyVersion(),
                        t.reason(), t.ownerRepId(), t.teamId(), ts(t.slaDeadline()), json(t.scores()),
                        ts(t.changedAt())});
            }
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        if (!leads.isEmpty()) {
            chain = chain.chain(() -> conn.preparedQuery("INSERT INTO lead_stage (tenant, lead_id, stage, since, "
                    + "entry_rule_id, policy_version, owner_rep_id, team_id, sla_deadline, cooldown_until, recheck_at, "
                    + "queue_score, attributes, attributes_at, transition_count, source_received_at, traceparent, "
                    + "updated_at) SELECT t, l, st, si, er, pv, o, tm, sla, cd, rc, q, a::jsonb, aa, tc, sr, tp, now() "
                    + "FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::int[], "
                    + "$7::text[], $8::text[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], "
                    + "$12::float8[], $13::text[], $14::timestamptz[], $15::int[], $16::timestamptz[], $17::text[]) "
                    + "AS u(t, l, st, si, er, pv, o, tm, sla, cd, rc, q, a, aa, tc, sr, tp) "
                    + "ON CONFLICT (tenant, lead_id) DO UPDATE SET stage = excluded.stage, "
                    + "since = excluded.since, entry_rule_id = excluded.entry_rule_id, "
                    + "policy_version = excluded.policy_version, owner_rep_id = excluded.owner_rep_id, "
                    + "team_id = excluded.team_id, sla_deadline = excluded.sla_deadline, "
                    + "cooldown_until = excluded.cooldown_until, recheck_at = excluded.recheck_at, "
                    + "queue_score = excluded.queue_score, attributes = excluded.attributes, "
                    + "attributes_at = excluded.attributes_at, transition_count = excluded.transition_count, "
                    + "source_received_at = excluded.source_received_at, "
                    + "traceparent = coalesce(excluded.traceparent, lead_stage.traceparent), updated_at = now()")
                    .execute(columns(leads.values(), String.class, String.class, String.class, OffsetDateTime.class,
                            String.class, Integer.class, String.class, String.class, OffsetDateTime.class,
                            OffsetDateTime.class, OffsetDateTime.class, Double.class, String.class,
                            OffsetDateTime.class, Integer.class, OffsetDateTime.class, String.class))
                    .replaceWithVoid());
        }
        if (!scores.isEmpty()) {
            chain = chain.chain(() -> conn.preparedQuery("INSERT INTO lead_model_score (tenant, lead_id, model_id, "
                    + "model_version, score, band, computed_at, top_contributions) SELECT t, l, m, v, s, b, c, r::jsonb "
                    + "FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::float8[], $6::text[], "
                    + "$7::timestamptz[], $8::text[]) AS u(t, l, m, v, s, b, c, r) "
                    + "ON CONFLICT (tenant, lead_id, model_id) DO UPDATE SET "
                    + "model_version = excluded.model_version, score = excluded.score, band = excluded.band, "
                    + "computed_at = excluded.computed_at, top_contributions = excluded.top_contributions")
                    .execute(columns(scores.values(), String.class, String.class, String.class, Integer.class,
                            Double.class, String.class, OffsetDateTime.class, String.class))
                    .replaceWithVoid());
        }
        if (!transitions.isEmpty()) {
            chain = chain.chain(() -> conn.preparedQuery("INSERT INTO stage_transition (tenant, lead_id, seq, "
                    + "transition_id, from_stage, to_stage, rule_id, policy_version, reason, owner_rep_id, team_id, "
                    + "sla_deadline, scores, changed_at) SELECT t, l, sq, id, f, tt, r, pv, re, o, tm, sla, sc::jsonb, c "
                    + "FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], "
                    + "$8::int[], $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::text[], "
                    + "$14::timestamptz[]) AS u(t, l, sq, id, f, tt, r, pv, re, o, tm, sla, sc, c)")
                    .execute(columns(transitions, String.class, String.class, Integer.class, String.class,
                            String.class, String.class, String.class, Integer.class, String.class, String.class,
                            String.class, OffsetDateTime.class, String.class, OffsetDateTime.class))
                    .replaceWithVoid());
        }
        Map<String, Integer> openDeltas = openLeadDeltas(changes);
        if (!openDeltas.isEmpty()) {
            // After the lead rows, and in (tenant, rep) order: the counter rows are what concurrent writers of different
            // leads share, so everyone locks them in one order, late, and holds them only until the commit.
            List<Object[]> rows = new ArrayList<>();
            openDeltas.forEach((key, delta) -> {
                int sep = key.indexOf('\u0000');
                rows.add(new Object[]{key.substring(0, sep), key.substring(sep + 1), delta});
            });
            chain = chain.chain(() -> conn.preparedQuery("INSERT INTO rep_open_leads (tenant, rep_id, open_leads) "
                    + "SELECT t, r, d FROM unnest($1::text[], $2::text[], $3::int[]) AS u(t, r, d) "
                    + "ON CONFLICT (tenant, rep_id) DO UPDATE SET open_leads = rep_open_leads.open_leads + excluded.open_leads")
                    .execute(columns(rows, String.class, String.class, Integer.class))
                    .replaceWithVoid());
        }
        return chain;
    }

    /**
     * How the changes move each rep's count of open leads, keyed by tenant and rep (sorted), zero moves left out: from
     * each lead's state before its first change to its state after its last.
     */
    static Map<String, Integer> openLeadDeltas(List<LeadChange> changes) {
        Map<String, LeadRouting> first = new LinkedHashMap<>();
        Map<String, LeadRouting> last = new LinkedHashMap<>();
        for (LeadChange c : changes) {
            String lead = c.after().tenant() + '\u0000' + c.after().leadId();
            first.putIfAbsent(lead, c.before());
            last.put(lead, c.after());
        }
        Map<String, Integer> deltas = new TreeMap<>();
        first.forEach((lead, before) -> {
            LeadRouting after = last.get(lead);
            String was = openOwner(before);
            String is = openOwner(after);
            if (!Objects.equals(was, is)) {
                if (was != null) {
                    deltas.merge(before.tenant() + '\u0000' + was, -1, Integer::sum);
                }
                if (is != null) {
                    deltas.merge(after.tenant() + '\u0000' + is, 1, Integer::sum);
                }
            }
        });
        deltas.values().removeIf(d -> d == 0);
        return deltas;
    }

    /** The rep whose open lead this is (stage mql, sql or accepted, with an owner); null when it counts for nobody. */
    static String openOwner(LeadRouting lead) {
        return lead != null && lead.stage() != null && lead.stage().isOpen() ? lead.ownerRepId() : null;
    }

    /** Turns rows into one typed array per column, the parameters of an {@code unnest(...)} insert. */
    static Tuple columns(Collection<Object[]> rows, Class<?>... types) {
        Object[][] columns = new Object[types.length][rows.size()];
        int r = 0;
        for (Object[] row : rows) {
            for (int c = 0; c < types.length; c++) {
                columns[c][r] = row[c];
            }
            r++;
        }
        Object[] typed = new Object[types.length];
        for (int c = 0; c < types.length; c++) {
            // The driver picks each array's SQL type from its Java type; a value of another type fails here.
            typed[c] = Arrays.copyOf(columns[c], rows.size(), types[c].arrayType().asSubclass(Object[].class));
        }
        return Tuple.from(Arrays.asList(typed));
    }

    private LeadRouting lead(String tenant, Row r, Map<String, ModelScore> scores) {
        Map<String, Object> attributes;
        try {
            attributes = mapper.readValue(r.getString("attributes"), new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (IOException e) {
            throw new IllegalStateException("unreadable attributes of lead " + r.getString("lead_id"), e);
        }
        return new LeadRouting(tenant, r.getString("lead_id"), Stage.of(r.getString("stage")), instant(r, "since"),
                r.getString("entry_rule_id"), r.getInteger("policy_version"), r.getString("owner_rep_id"),
                r.getString("team_id"), instant(r, "sla_deadline"), instant(r, "cooldown_until"),
                instant(r, "recheck_at"), scores, attributes, instant(r, "attributes_at"),
                r.getInteger("transition_count"), instant(r, "source_received_at"));
    }

    List<RuleReason> reasons(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return List.of(mapper.readValue(json, RuleReason[].class));
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }

    String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON", e);
        }
    }

    static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(Row r, String column) {
        OffsetDateTime t = r.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }
}
