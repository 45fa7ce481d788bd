package io.leadscore.routing.domain;

import java.time.Instant;

/** A follow-up SLA passed: who missed it, who manages the team, who owns the lead now (null: it waits). */
public record Escalation(String escalationId, Stage stage, String previousOwnerRepId, String teamId,
        String managerRepId, String newOwnerRepId, Instant slaDeadline, Instant escalatedAt) {
}
