package io.leadscore.scoring.projection;

/** A lead of a tenant. */
public record LeadRef(String tenant, String leadId) {
}
