package io.leadscore.routing.lead;

import io.leadscore.routing.domain.LeadRouting;

/** A lead as stored, with the trace context of the score change that last touched it. */
public record StoredLead(LeadRouting lead, String traceparent) {
}
