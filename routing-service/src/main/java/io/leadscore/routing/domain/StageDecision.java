package io.leadscore.routing.domain;

import java.time.Instant;

/**
 * What the policy says about a lead now: move to {@code to} (null: stay), because of {@code ruleId}, and when time
 * alone could change the answer ({@code recheckAt}, null if never).
 */
public record StageDecision(Stage to, String ruleId, String reason, Instant recheckAt) {

    public static StageDecision stay(Instant recheckAt) {
        return new StageDecision(null, null, null, recheckAt);
    }

    public boolean moves() {
        return to != null;
    }
}
