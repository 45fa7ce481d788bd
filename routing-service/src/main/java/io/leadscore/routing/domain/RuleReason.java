package io.leadscore.routing.domain;

/** One scoring rule's part in a score: how many events it awarded and the points they are worth now. */
public record RuleReason(String ruleId, int count, double points) {
}
