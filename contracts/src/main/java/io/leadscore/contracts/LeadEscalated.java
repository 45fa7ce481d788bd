package io.leadscore.contracts;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A lead's owner did not accept it within the stage's follow-up SLA. Published by routing on
 * {@link Topics#LEAD_ESCALATIONS} keyed by tenant + lead; notification tells the team manager.
 *
 * @param escalationId unique per escalation and deterministic (tenant, lead, stage and missed deadline), so consumers use
 *        it as their idempotency key
 * @param previousOwnerRepId the owner who missed the deadline
 * @param managerRepId the team's manager, null when the team has none
 * @param newOwnerRepId who the lead was reassigned to; null when no other rep had free capacity (the lead then waits in
 *        the team queue)
 * @param slaDeadline the deadline that passed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeadEscalated(
        int schemaVersion,
        String tenant,
        String leadId,
        String escalationId,
        String stage,
        String previousOwnerRepId,
        String teamId,
        String managerRepId,
        String newOwnerRepId,
        Instant slaDeadline,
        Instant escalatedAt) {

    public static final int CURRENT_SCHEMA_VERSION = 1;

    public String key() {
        return MessageKeys.leadKey(tenant, leadId);
    }
}
