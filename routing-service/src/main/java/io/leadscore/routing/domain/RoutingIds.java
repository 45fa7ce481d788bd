package io.leadscore.routing.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Deterministic ids: the same lead history always produces the same ids, so consumers can de-duplicate on them even if
 * routing's read model is rebuilt and messages are published again.
 */
public final class RoutingIds {

    private RoutingIds() {
    }

    public static String transitionId(String tenant, String leadId, int seq) {
        return nameUuid("transition/" + tenant + "/" + leadId + "/" + seq);
    }

    public static String escalationId(String tenant, String leadId, Stage stage, Instant deadline) {
        return nameUuid("escalation/" + tenant + "/" + leadId + "/" + stage.wire() + "/" + deadline);
    }

    private static String nameUuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
