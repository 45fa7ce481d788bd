package io.leadscore.scoring.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.leadscore.security.Roles;
import io.leadscore.security.TenantContext;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Leaderboards and segments, answered from the lead_score projection with keyset pagination (never by scanning the
 * event log). Scores there are as of each lead's last event or band crossing; bands are always current within the
 * decay check interval.
 */
@Path("/v1/leads")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.READ, Roles.ADMIN})
public class LeaderboardResource {

    public record LeadEntry(String leadId, int modelVersion, double score, String band, Instant computedAt) {
    }

    public record Page(List<LeadEntry> leads, String nextCursor) {
    }

    private final TenantContext tenantContext;
    private final PgPool pool;

    public LeaderboardResource(TenantContext tenantContext, PgPool pool) {
        this.tenantContext = tenantContext;
        this.pool = pool;
    }

    @GET
    @Operation(summary = "Leads ranked by score under one model", description = "?model= (required), &band=, "
            + "&minScore=, &sort=-score|score, &limit= (1-500, default 50), &cursor= from the previous page.")
    public Uni<Response> leaderboard(@QueryParam("model") String model, @QueryParam("band") String band,
            @QueryParam("minScore") String minScoreParam, @QueryParam("sort") String sort,
            @QueryParam("limit") String limitParam, @QueryParam("cursor") String cursor) {
        String tenant = tenantContext.tenant();
        // Parsed here rather than by JAX-RS, which answers a malformed number with a bare 404.
        Double minScore;
        Integer limit;
        try {
            minScore = minScoreParam == null ? null : Double.valueOf(minScoreParam);
        } catch (NumberFormatException e) {
            return Uni.createFrom().item(ApiErrors.badRequest(null, "minScore", "'" + minScoreParam + "' is not a number"));
        }
        try {
            limit = limitParam == null ? null : Integer.valueOf(limitParam);
        } catch (NumberFormatException e) {
            return Uni.createFrom().item(ApiErrors.badRequest(null, "limit", "'" + limitParam + "' is not an integer"));
        }
        if (model == null || model.isBlank()) {
            return Uni.createFrom().item(ApiErrors.badRequest(null, "model", "is required"));
        }
        boolean descending = sort == null || sort.equals("-score");
        if (!descending && !sort.equals("score")) {
            return Uni.createFrom().item(ApiErrors.badRequest(null, "sort", "must be -score or score"));
        }
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > 500) {
            return Uni.createFrom().item(ApiErrors.badRequest(null, "limit", "must be 1 to 500"));
        }
        Double afterScore = null;
        String afterLead = null;
        if (cursor != null) {
            try {
                String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int sep = decoded.indexOf('|');
                afterScore = Double.parseDouble(decoded.substring(0, sep));
                afterLead = decoded.substring(sep + 1);
            } catch (RuntimeException e) {
                return Uni.createFrom().item(ApiErrors.badRequest(null, "cursor", "is not a cursor from this endpoint"));
            }
        }
        StringBuilder sql = new StringBuilder("SELECT lead_id, model_version, score, band, computed_at FROM lead_score "
                + "WHERE tenant = $1 AND model_id = $2");
        Tuple params = Tuple.of(tenant, model);
        if (band != null) {
            params.addString(band);
            sql.append(" AND band = $").append(params.size());
        }
        if (minScore != null) {
            params.addDouble(minScore);
            sql.append(" AND score >= $").append(params.size());
        }
        if (afterScore != null) {
            params.addDouble(afterScore);
            int s = params.size();
            params.addString(afterLead);
            int l = params.size();
            sql.append(descending
                    ? " AND (score < $" + s + " OR (score = $" + s + " AND lead_id > $" + l + "))"
                    : " AND (score > $" + s + " OR (score = $" + s + " AND lead_id > $" + l + "))");
        }
        sql.append(descending ? " ORDER BY score DESC, lead_id" : " ORDER BY score, lead_id");
        sql.append(" LIMIT ").append(size + 1);
        return pool.preparedQuery(sql.toString()).execute(params).map(rows -> {
            List<LeadEntry> leads = new ArrayList<>();
            for (Row r : rows) {
                leads.add(new LeadEntry(r.getString("lead_id"), r.getInteger("model_version"), r.getDouble("score"),
                        r.getString("band"), r.getOffsetDateTime("computed_at").toInstant()));
            }
            String next = null;
            if (leads.size() > size) {
                leads = leads.subList(0, size);
                LeadEntry last = leads.get(size - 1);
                next = Base64.getUrlEncoder().withoutPadding().encodeToString(
                        (last.score() + "|" + last.leadId()).getBytes(StandardCharsets.UTF_8));
            }
            return Response.ok(new Page(leads, next)).build();
        });
    }
}
