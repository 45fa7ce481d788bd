package io.leadscore.routing.owner;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.routing.domain.owner.OwnerBook;
import io.leadscore.routing.domain.owner.Rep;
import io.leadscore.routing.domain.owner.Team;
import io.leadscore.routing.domain.policy.PolicyError;
import io.leadscore.routing.domain.policy.PolicyParser;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Loads a tenant's {@link OwnerBook} inside a transaction with plain SQL (this runs in the Kafka consumer and the
 * timers). The team cursors are locked first and the reps' open-lead counts ({@code rep_open_leads}, kept by every write
 * of a lead) read after, so two replicas assigning in the same team take turns and neither over-fills a rep.
 */
@ApplicationScoped
public class OwnerBooks {

    private final ObjectMapper mapper;

    public OwnerBooks(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The {@code sales_rep} columns {@link #rep(Row)} reads. */
    public static final String REP_COLUMNS = "rep_id, name, team_id, active, capacity";

    /** A rep from a row of {@link #REP_COLUMNS}. */
    public static Rep rep(Row r) {
        return new Rep(r.getString("rep_id"), r.getString("name"), r.getString("team_id"), r.getBoolean("active"),
                r.getInteger("capacity"));
    }

    public Uni<OwnerBook> lockAndLoad(SqlConnection conn, String tenant) {
        Tuple t = Tuple.of(tenant);
        Map<String, String> cursors = new HashMap<>();
        List<Team> teams = new ArrayList<>();
        List<Rep> reps = new ArrayList<>();
        Map<String, Integer> open = new HashMap<>();
        return conn.preparedQuery("INSERT INTO team_cursor (tenant, team_id) SELECT tenant, team_id FROM sales_team "
                + "WHERE tenant = $1 ON CONFLICT DO NOTHING").execute(t)
                .chain(() -> conn.preparedQuery("SELECT team_id, last_rep_id FROM team_cursor WHERE tenant = $1 "
                        + "ORDER BY team_id FOR UPDATE").execute(t))
                .invoke(rows -> rows.forEach(r -> cursors.put(r.getString("team_id"), r.getString("last_rep_id"))))
                .chain(() -> conn
                        .preparedQuery("SELECT team_id, name, manager_rep_id, (territory -> 'rules')::text AS territory, "
                                + "priority, is_default FROM sales_team WHERE tenant = $1")
                        .execute(t))
                .invoke(rows -> rows.forEach(r -> teams.add(team(r))))
                .chain(() -> conn.preparedQuery("SELECT " + REP_COLUMNS + " FROM sales_rep WHERE tenant = $1")
                        .execute(t))
                .invoke(rows -> rows.forEach(r -> reps.add(rep(r))))
                .chain(() -> conn.preparedQuery("SELECT rep_id, open_leads FROM rep_open_leads WHERE tenant = $1")
                        .execute(t))
                .invoke(rows -> rows.forEach(r -> open.put(r.getString("rep_id"), r.getInteger("open_leads"))))
                .map(ignored -> new OwnerBook(teams, reps, open, cursors));
    }

    public Uni<Void> saveCursors(SqlConnection conn, String tenant, OwnerBook book) {
        Map<String, String> changed = book.changedCursors();
        if (changed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>();
        changed.forEach((team, rep) -> rows.add(Tuple.of(tenant, team, rep)));
        return conn.preparedQuery("UPDATE team_cursor SET last_rep_id = $3 WHERE tenant = $1 AND team_id = $2")
                .executeBatch(rows).replaceWithVoid();
    }

    private Team team(Row r) {
        List<PolicyError> errors = new ArrayList<>();
        Object territory;
        try {
            territory = mapper.readValue(r.getString("territory"), Object.class);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable territory of team " + r.getString("team_id"), e);
        }
        return new Team(r.getString("team_id"), r.getString("name"), r.getString("manager_rep_id"),
                PolicyParser.territory(territory, "territory", errors), r.getInteger("priority"),
                r.getBoolean("is_default"));
    }
}
