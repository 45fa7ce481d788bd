package io.leadscore.scoring.projection;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collector;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.contracts.ScoreChanged;
import io.leadscore.scoring.engine.Fact;
import io.leadscore.scoring.engine.LeadLog;
import io.leadscore.scoring.engine.model.ScoringModel;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Reads and writes the scoring projections (lead_score, score_history, the outbox) and loads facts from the event
 * store, always in batches: one statement per kind of write per call, whatever the number of leads.
 */
@ApplicationScoped
public class ProjectionStore {

    private final ObjectMapper mapper;
    private final long groupEvents;

    public ProjectionStore(ObjectMapper mapper,
            @ConfigProperty(name = "leadscore.scoring.load-group-events", defaultValue = "20000") long groupEvents) {
        this.mapper = mapper;
        this.groupEvents = groupEvents;
    }

    /**
     * How many events' facts one load brings into memory at most (a lead with more comes alone): the unit in which
     * live scoring, decay checks, rescoring and rebuilds load histories (see {@link LeadGroups}).
     */
    public long groupEvents() {
        return groupEvents;
    }

    /**
     * The logs of the given leads of one tenant (leads without facts are left out). Rows become facts as they are
     * decoded, never held as a result set: a set of rows weighs about twice the facts made from it, and for leads with
     * long histories that difference alone ran the service out of heap. Callers bound how many events one call loads
     * (see {@link LeadGroups}).
     */
    public Uni<Map<String, LeadLog>> loadFacts(SqlClient client, String tenant, Collection<String> leadIds) {
        // The envelope as stored (text): the facts' properties and attributes are parsed here by the mapper that parsed
        // them on the live path, from the same bytes, so loaded and live facts hold equal values.
        String sql = "SELECT lead_id, event_id, type, occurred_at, payload FROM lead_event WHERE tenant = $1 "
                + "AND lead_id = ANY($2)";
        Collector<io.vertx.sqlclient.Row, Map<String, List<Fact>>, Map<String, LeadLog>> toLogs = Collector.of(
                HashMap::new,
                (byLead, r) -> {
                    EnvelopeParts parts = envelopeParts(r.getString(4));
                    byLead.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(new Fact(r.getString(1),
                            r.getString(2), r.getOffsetDateTime(3).toInstant(),
                            parts.properties() == null ? Map.of() : parts.properties(), parts.attributes()));
                },
                (a, b) -> {
                    a.putAll(b);
                    return a;
                },
                byLead -> {
                    Map<String, LeadLog> logs = new HashMap<>(byLead.size() * 2);
                    byLead.forEach((leadId, facts) -> logs.put(leadId, LeadLog.of(facts)));
                    return logs;
                });
        // Cast: the bare Tuple.of(Object, Object...) would otherwise take the array as the remaining parameters.
        var params = io.vertx.sqlclient.Tuple.of(tenant, (Object) leadIds.toArray(String[]::new));
        return Uni.createFrom().deferred(() -> UniHelper.toUni(client.getDelegate().preparedQuery(sql)
                .collecting(toLogs).execute(params)))
                .map(io.vertx.sqlclient.SqlResult::value);
    }

    /**
     * {@link #loadFacts} for leads whose sizes the caller does not know: reads their stream versions (= numbers of
     * events), then loads and hands over the logs a group of at most {@link #groupEvents()} events at a time, so
     * memory stays bounded whatever the histories' lengths. The groups' results come back in order.
     */
    public <T> Uni<List<T>> inGroups(SqlClient client, String tenant, Collection<String> leadIds,
            java.util.function.BiFunction<List<String>, Map<String, LeadLog>, Uni<T>> perGroup) {
        return client.preparedQuery("SELECT lead_id, version FROM lead_stream WHERE tenant = $1 AND lead_id = ANY($2)")
                .execute(Tuple.of(tenant, leadIds.toArray(String[]::new)))
                .chain(rows -> {
                    Map<String, Long> versions = new HashMap<>();
                    for (Row r : rows) {
                        versions.put(r.getString(0), r.getLong(1));
                    }
                    List<List<String>> groups = LeadGroups.split(leadIds, id -> versions.getOrDefault(id, 0L),
                            groupEvents);
                    return Multi.createFrom().iterable(groups)
                            .onItem().transformToUniAndConcatenate(group -> loadFacts(client, tenant, group)
                                    .chain(facts -> perGroup.apply(group, facts)))
                            .collect().asList();
                });
    }

    /** What scoring reads of a stored envelope; the mapper skips the rest. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record EnvelopeParts(Map<String, Object> properties, Map<String, Object> attributes) {
    }

    private EnvelopeParts envelopeParts(String payload) {
        try {
            return mapper.readValue(payload, EnvelopeParts.class);
        } catch (JsonProcessingException e) {
            // Every stored envelope was parsed by this mapper before it was appended; failing here means the log was
            // changed behind the service's back, and scoring it as if the event were empty would hide that.
            throw new IllegalStateException("a stored event is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The stored rows of these leads under the given models, keyed by leadId then modelId; locked for this transaction
     * when asked. The models are part of the condition so the lookup is a primary-key probe per row, not a scan of
     * the tenant's whole projection.
     */
    public Uni<Map<String, Map<String, ScoreUpdate.Row>>> currentRows(SqlClient client, String tenant,
            Collection<ScoringModel> models, Collection<String> leadIds, boolean lock) {
        String[] modelIds = models.stream().map(ScoringModel::modelId).toArray(String[]::new);
        return client.preparedQuery("SELECT * FROM lead_score WHERE tenant = $1 AND model_id = ANY($2) "
                + "AND lead_id = ANY($3)" + (lock ? " FOR UPDATE" : ""))
                .execute(Tuple.of(tenant, modelIds, leadIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Map<String, ScoreUpdate.Row>> result = new HashMap<>();
                    for (Row r : rows) {
                        ScoreUpdate.Row row = toRow(r);
                        result.computeIfAbsent(row.leadId(), k -> new HashMap<>()).put(row.modelId(), row);
                    }
                    return result;
                });
    }

    public static ScoreUpdate.Row toRow(Row r) {
        OffsetDateTime next = r.getOffsetDateTime("next_change_at");
        return new ScoreUpdate.Row(r.getString("tenant"), r.getString("model_id"), r.getString("lead_id"),
                r.getInteger("model_version"), r.getDouble("score"), r.getString("band"),
                r.getOffsetDateTime("computed_at").toInstant(), next == null ? null : next.toInstant());
    }

    /**
     * Writes the outcomes in one statement: projection rows upserted, and for each change a history row and an outbox
     * row. Returns the outbox messages (with their ids) in the order of the outcomes, to send once this commits.
     * At most one outcome per (tenant, model, lead).
     */
    public Uni<List<OutboxMessage>> write(SqlClient client, List<ScoreUpdate.Outcome> outcomes,
            Map<String, String> traceparentByEventId) {
        if (outcomes.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        int n = outcomes.size();
        String[] tenants = new String[n];
        String[] modelIds = new String[n];
        String[] leadIds = new String[n];
        Integer[] versions = new Integer[n];
        Double[] scores = new Double[n];
        String[] bands = new String[n];
        OffsetDateTime[] computed = new OffsetDateTime[n];
        OffsetDateTime[] next = new OffsetDateTime[n];
        List<ScoreChanged> changes = new ArrayList<>();
        List<OutboxMessage> messages = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ScoreUpdate.Row r = outcomes.get(i).row();
            tenants[i] = r.tenant();
            modelIds[i] = r.modelId();
            leadIds[i] = r.leadId();
            versions[i] = r.modelVersion();
            scores[i] = r.score();
            bands[i] = r.band();
            computed[i] = utc(r.computedAt());
            next[i] = utc(r.nextChangeAt());
            ScoreChanged c = outcomes.get(i).change();
            if (c != null) {
                changes.add(c);
                String traceparent = c.cause().eventId() == null ? null : traceparentByEventId.get(c.cause().eventId());
                messages.add(new OutboxMessage(0, c.key(), json(c), traceparent));
            }
        }
        int m = changes.size();
        String[] hTenants = new String[m];
        String[] hLeads = new String[m];
        String[] hModels = new String[m];
        Integer[] hVersions = new Integer[m];
        Double[] hPrevious = new Double[m];
        Double[] hScores = new Double[m];
        String[] hPreviousBands = new String[m];
        String[] hBands = new String[m];
        String[] hCauses = new String[m];
        String[] hCauseEvents = new String[m];
        OffsetDateTime[] hComputed = new OffsetDateTime[m];
        String[] oKeys = new String[m];
        String[] oPayloads = new String[m];
        String[] oTraceparents = new String[m];
        for (int i = 0; i < m; i++) {
            ScoreChanged c = changes.get(i);
            hTenants[i] = c.tenant();
            hLeads[i] = c.leadId();
            hModels[i] = c.modelId();
            hVersions[i] = c.modelVersion();
            hPrevious[i] = c.previousScore();
            hScores[i] = c.score();
            hPreviousBands[i] = c.previousBand();
            hBands[i] = c.band();
            hCauses[i] = c.cause().type();
            hCauseEvents[i] = c.cause().eventId();
            hComputed[i] = utc(c.computedAt());
            oKeys[i] = messages.get(i).key();
            oPayloads[i] = messages.get(i).payload();
            oTraceparents[i] = messages.get(i).traceparent();
        }
        // Data-modifying CTEs all run, whether or not the final SELECT reads them. The outbox rows are inserted in
        // the order given, so their ids, drawn from the sequence row by row, come back in that order when sorted.
        return client.preparedQuery("WITH upserted AS (INSERT INTO lead_score (tenant, model_id, lead_id, "
                + "model_version, score, band, computed_at, next_change_at) SELECT * FROM unnest($1::text[], "
                + "$2::text[], $3::text[], $4::int[], $5::float8[], $6::text[], $7::timestamptz[], $8::timestamptz[]) "
                + "ON CONFLICT (tenant, model_id, lead_id) DO UPDATE SET model_version = EXCLUDED.model_version, "
                + "score = EXCLUDED.score, band = EXCLUDED.band, computed_at = EXCLUDED.computed_at, "
                + "next_change_at = EXCLUDED.next_change_at), "
                + "history AS (INSERT INTO score_history (tenant, lead_id, model_id, model_version, previous_score, "
                + "score, previous_band, band, cause_type, cause_event_id, computed_at) SELECT * FROM unnest("
                + "$9::text[], $10::text[], $11::text[], $12::int[], $13::float8[], $14::float8[], $15::text[], "
                + "$16::text[], $17::text[], $18::text[], $19::timestamptz[])), "
                + "outbox AS (INSERT INTO score_change_outbox (message_key, payload, traceparent) SELECT k, p, tp "
                + "FROM unnest($20::text[], $21::text[], $22::text[]) WITH ORDINALITY AS o(k, p, tp, n) ORDER BY n "
                + "RETURNING id) "
                + "SELECT id FROM outbox ORDER BY id")
                .execute(Tuple.from(List.of(tenants, modelIds, leadIds, versions, scores, bands, computed, next,
                        hTenants, hLeads, hModels, hVersions, hPrevious, hScores, hPreviousBands, hBands, hCauses,
                        hCauseEvents, hComputed, oKeys, oPayloads, oTraceparents)))
                .map(rows -> {
                    List<OutboxMessage> written = new ArrayList<>(m);
                    int i = 0;
                    for (Row row : rows) {
                        OutboxMessage msg = messages.get(i++);
                        written.add(new OutboxMessage(row.getLong(0), msg.key(), msg.payload(), msg.traceparent()));
                    }
                    return written;
                });
    }

    private String json(ScoreChanged c) {
        try {
            return mapper.writeValueAsString(c);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
