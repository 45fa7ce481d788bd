package io.leadscore.routing.domain.policy;

import io.leadscore.routing.domain.Stage;

/** "Put the lead in {@code stage} when {@code when} holds." Rules are tried in order; the first that holds wins. */
public record StageRule(String id, Stage stage, Condition when) {
}
