package io.leadscore.routing.lead;

import io.leadscore.routing.domain.ScoreObserved;

/** A parsed, valid ScoreChanged with the trace context it arrived with. */
public record IncomingScore(String tenant, String leadId, ScoreObserved score, String traceparent) {
}
