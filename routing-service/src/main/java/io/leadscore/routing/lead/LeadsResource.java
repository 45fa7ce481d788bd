package io.leadscore.routing.lead;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.routing.api.ApiErrors;
import io.leadscore.routing.api.JsonBodies;
import io.leadscore.routing.domain.Stage;
import io.leadscore.routing.domain.policy.PolicyError;
import io.leadscore.routing.domain.policy.PolicyParser;
import io.leadscore.security.Roles;
import io.leadscore.security.TenantContext;
import io.smallrye.mutiny.Uni;

@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class LeadsResource {

    static final Set<String> FEEDBACK_FIELDS = Set.of("outcome", "reason", "repId");
    static final Set<String> OUTCOMES = Set.of("accepted", "rejected", "converted", "lost");
    static final int MAX_REASON = 1000;
    static final int MAX_PAGE = 200;

    private final TenantContext tenantContext;
    private final LeadQueries queries;
    private final LeadCommands commands;
    private final ObjectMapper strictMapper;

    public LeadsResource(TenantContext tenantContext, LeadQueries queries, LeadCommands commands, ObjectMapper mapper) {
        this.tenantContext = tenantContext;
        this.queries = queries;
        this.commands = commands;
        this.strictMapper = JsonBodies.strict(mapper);
    }

    @GET
    @Path("/leads/{leadId}/stage")
    @RolesAllowed({Roles.READ, Roles.ADMIN, Roles.REP})
    @Operation(summary = "A lead's stage, owner, timers and full transition history with reasons", description = "A "
            + "token with only the 'rep' role reads the leads its rep owns and those waiting for an owner in its rep's "
            + "team's queue (403 for others).")
    public Uni<Response> stage(@PathParam("leadId") String leadId) {
        Response unknown = unknownLead(leadId);
        if (unknown != null) {
            return Uni.createFrom().item(unknown);
        }
        String tenant = tenantContext.tenant();
        String actingRep = tenantContext.onlyRep();
        return queries.stage(tenant, leadId).chain(view -> {
            if (view == null) {
                return Uni.createFrom().item(ApiErrors.notFound("no lead " + leadId));
            }
            if (actingRep == null || actingRep.equals(view.ownerRepId())) {
                return Uni.createFrom().item(Response.ok(view).build());
            }
            Response notOwned = ApiErrors.status(403, null, null, "lead " + leadId + " is not owned by rep '"
                    + actingRep + "'; a rep's token reads only that rep's own leads and those waiting in its team's "
                    + "queue");
            if (!view.waiting()) {
                return Uni.createFrom().item(notOwned);
            }
            return queries.repTeam(tenant, actingRep).map(team -> LeadQueries.inTeamQueueOf(view.teamId(),
                    team.orElse(null)) ? Response.ok(view).build() : notOwned);
        });
    }

    @POST
    @Path("/leads/{leadId}/feedback")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.READ, Roles.ADMIN, Roles.REP})
    @Operation(summary = "Record a sales outcome", description = "{\"outcome\": \"accepted|rejected|converted|lost\", "
            + "\"reason\": \"...\", \"repId\": \"...\"}. Moves the stage (accepted stops the follow-up SLA; rejected "
            + "goes back to nurture with a cool-down; converted and lost are final) and appends a sales_outcome event "
            + "to the lead's event log. Tokens with the 'read' or 'admin' role record it too (not only queries: a CRM "
            + "integration with a read token reports outcomes). 404 for an unknown lead, 409 when the lead's stage "
            + "does not allow it (already accepted, final, or rejected when not in mql or sql). A token "
            + "with only the 'rep' role records feedback as the rep its 'rep' claim names, on that rep's own leads; "
            + "it may also accept a lead waiting for an owner in its rep's team's queue, which takes the lead (409 "
            + "when the rep is inactive or at capacity). 403 otherwise.")
    public Uni<Response> feedback(@PathParam("leadId") String leadId, String body) {
        Response unknown = unknownLead(leadId);
        if (unknown != null) {
            return Uni.createFrom().item(unknown);
        }
        String tenant = tenantContext.tenant();
        JsonBodies.Parsed parsed = JsonBodies.object(strictMapper, body);
        if (parsed.error() != null) {
            return Uni.createFrom().item(ApiErrors.badRequest("", parsed.error()));
        }
        Map<String, Object> b = parsed.value();
        List<PolicyError> errors = new ArrayList<>();
        unknown(b, FEEDBACK_FIELDS, errors);
        Object outcome = b.get("outcome");
        if (!(outcome instanceof String o) || !OUTCOMES.contains(o)) {
            errors.add(new PolicyError(null, "outcome", "must be one of accepted, rejected, converted, lost, not "
                    + (outcome instanceof String s ? "'" + s + "'" : PolicyParser.describe(outcome))));
        }
        Object reason = b.get("reason");
        if (reason != null && (!(reason instanceof String r) || r.length() > MAX_REASON)) {
            errors.add(new PolicyError(null, "reason", "must be a string of at most " + MAX_REASON + " characters"));
        } else if (reason instanceof String r && r.indexOf('\u0000') >= 0) {
            // PostgreSQL cannot store NUL in text; other line breaks and tabs are fine in a free-text reason.
            errors.add(new PolicyError(null, "reason", "must not contain the NUL character"));
        }
        String repId = id(b.get("repId"), "repId", errors);
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(ApiErrors.badRequest(errors));
        }
        String actingRep = tenantContext.onlyRep();
        if (actingRep != null) {
            if (repId != null && !repId.equals(actingRep)) {
                return Uni.createFrom().item(ApiErrors.status(403, null, "repId", "this token belongs to rep '"
                        + actingRep + "' and records feedback only as that rep, not as '" + repId + "'"));
            }
            repId = actingRep;
        }
        return commands.feedback(tenant, leadId, Stage.of((String) outcome), (String) reason, repId, actingRep)
                .map(o -> Response.ok(o).build());
    }

    @POST
    @Path("/leads/{leadId}/claim")
    @RolesAllowed(Roles.REP)
    @Operation(summary = "Take a waiting lead from the team's queue", description = "A sales rep's own token takes a "
            + "lead waiting for an owner in its team's queue (mql or sql, no owner) without deciding on it yet: the rep "
            + "becomes the owner, the lead keeps its stage and the stage's follow-up SLA starts; no alert is sent. 403 "
            + "for a lead the rep may not take (owned, not waiting, another team's queue), 409 when the rep is "
            + "inactive or at capacity, 404 for an unknown lead. No body.")
    public Uni<Response> claim(@PathParam("leadId") String leadId) {
        Response unknown = unknownLead(leadId);
        if (unknown != null) {
            return Uni.createFrom().item(unknown);
        }
        String repId = tenantContext.onlyRep();
        if (repId == null) {
            return Uni.createFrom().item(ApiErrors.status(403, null, null, "only a sales rep's own token (the 'rep' role "
                    + "alone) claims leads, for the rep its 'rep' claim names; admins give leads with reassign"));
        }
        return commands.claim(tenantContext.tenant(), leadId, repId).map(o -> Response.ok(o).build());
    }

    @POST
    @Path("/leads/{leadId}/reassign")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Give an owned lead to another rep", description = "{\"repId\": \"...\"} names the new owner; "
            + "without it the next rep with free capacity in the lead's team (not the current owner) gets it.")
    public Uni<Response> reassign(@PathParam("leadId") String leadId, String body) {
        Response unknown = unknownLead(leadId);
        if (unknown != null) {
            return Uni.createFrom().item(unknown);
        }
        String tenant = tenantContext.tenant();
        String repId = null;
        if (body != null && !body.isBlank()) {
            JsonBodies.Parsed parsed = JsonBodies.object(strictMapper, body);
            if (parsed.error() != null) {
                return Uni.createFrom().item(ApiErrors.badRequest("", parsed.error()));
            }
            List<PolicyError> errors = new ArrayList<>();
            unknown(parsed.value(), Set.of("repId"), errors);
            repId = id(parsed.value().get("repId"), "repId", errors);
            if (!errors.isEmpty()) {
                return Uni.createFrom().item(ApiErrors.badRequest(errors));
            }
        }
        return commands.reassign(tenant, leadId, repId).map(o -> Response.ok(o).build());
    }

    @GET
    @Path("/queues/{stage}")
    @RolesAllowed({Roles.READ, Roles.ADMIN, Roles.REP})
    @Operation(summary = "A work queue: the leads in a stage, highest score first, a page at a time", description = "Filter "
            + "with team= and owner= (owner=unassigned: the leads waiting for an owner). Pass the answer's 'next' as "
            + "after= for the next page. A token with only the 'rep' role sees its rep's own leads (owner= may be left "
            + "out; another owner is 403), or with owner=unassigned the leads waiting in its rep's team's queue "
            + "(another team= is 403).")
    public Uni<Response> queue(@PathParam("stage") String stage, @QueryParam("team") String team,
            @QueryParam("owner") String owner, @QueryParam("limit") @DefaultValue("50") String limitParam,
            @QueryParam("after") String after) {
        String tenant = tenantContext.tenant();
        Stage s = Stage.parse(stage).orElse(null);
        if (s == null) {
            return Uni.createFrom().item(ApiErrors.badRequest("stage", "must be one of nurture, mql, sql, accepted, "
                    + "rejected, converted, lost, not '" + stage + "'"));
        }
        // Ids have none, and PostgreSQL refuses NUL in a parameter.
        String badFilter = hasControlCharacter(team) ? "team" : hasControlCharacter(owner) ? "owner" : null;
        if (badFilter != null) {
            return Uni.createFrom().item(ApiErrors.badRequest(badFilter, "must not contain control characters"));
        }
        // Read as text: an int parameter answers a malformed number with RESTEasy's bodiless 404.
        int limit = wholeNumber(limitParam);
        if (limit < 1 || limit > MAX_PAGE) {
            return Uni.createFrom().item(ApiErrors.badRequest("limit", "must be a whole number from 1 to " + MAX_PAGE
                    + ", not '" + limitParam + "'"));
        }
        String actingRep = tenantContext.onlyRep();
        if (actingRep == null) {
            return page(tenant, s, team, owner, limit, after);
        }
        if (LeadQueries.UNASSIGNED.equals(owner)) {
            if (!s.needsOwner()) {
                // Only mql and sql leads wait for an owner; an unowned lead elsewhere is not the team's to take.
                return Uni.createFrom().item(ApiErrors.status(403, null, "owner", "a rep's token lists the leads "
                        + "waiting for an owner (owner=unassigned) in mql and sql only, not in " + s.wire()));
            }
            return queries.repTeam(tenant, actingRep).chain(repTeam -> {
                if (repTeam.isEmpty()) {
                    return Uni.createFrom().item(ApiErrors.status(403, null, "owner", "rep '" + actingRep
                            + "' is in no team, so it has no team queue to list"));
                }
                if (team != null && !team.equals(repTeam.get())) {
                    return Uni.createFrom().item(ApiErrors.status(403, null, "team", "this token belongs to rep '"
                            + actingRep + "' and lists only the queue of its team " + repTeam.get() + ", not team="
                            + team));
                }
                return page(tenant, s, repTeam.get(), owner, limit, after);
            });
        }
        if (owner != null && !owner.equals(actingRep)) {
            return Uni.createFrom().item(ApiErrors.status(403, null, "owner", "this token belongs to rep '"
                    + actingRep + "' and lists only that rep's leads or its team's waiting leads "
                    + "(owner=unassigned), not owner=" + owner));
        }
        return page(tenant, s, team, actingRep, limit, after);
    }

    private Uni<Response> page(String tenant, Stage stage, String team, String owner, int limit, String after) {
        return queries.queue(tenant, stage, team, owner, limit, after).map(page -> Response.ok(page).build());
    }

    private static boolean hasControlCharacter(String s) {
        return s != null && s.codePoints().anyMatch(Character::isISOControl);
    }

    /**
     * No lead id contains a control character (ingest refuses them), and PostgreSQL refuses NUL in a parameter: such a
     * path names no lead.
     */
    private static Response unknownLead(String leadId) {
        return hasControlCharacter(leadId) ? ApiErrors.notFound("no lead " + leadId) : null;
    }

    /** The parameter as a number, or -1 when it is not a plain whole number. */
    private static int wholeNumber(String param) {
        if (param == null || !param.matches("\\d{1,9}")) {
            return -1;
        }
        return Integer.parseInt(param);
    }

    private static void unknown(Map<String, Object> body, Set<String> allowed, List<PolicyError> errors) {
        for (String key : body.keySet()) {
            if (!allowed.contains(key)) {
                errors.add(new PolicyError(null, key, "unknown field (allowed: " + allowed.stream().sorted().toList()
                        + ")"));
            }
        }
    }

    private static String id(Object value, String field, List<PolicyError> errors) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s) || !PolicyParser.ID.matcher(s).matches()) {
            errors.add(new PolicyError(null, field, "must be an id matching " + PolicyParser.ID.pattern()));
            return null;
        }
        return s;
    }
}
