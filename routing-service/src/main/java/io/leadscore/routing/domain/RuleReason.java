package io.leadscore.routing.domain;

/**
 * One scoring rule's part in a score: how many events it awarded and the points they are worth now.
 *
 * @param label the rule's label as scoring sent it, for people; the rule id when scoring sent none (older messages,
 *        and reasons stored before labels existed)
 */
public record RuleReason(String ruleId, int count, double points, String label) {

    public RuleReason {
        label = label == null || label.isBlank() ? ruleId : label;
    }

    public RuleReason(String ruleId, int count, double points) {
        this(ruleId, count, points, null);
    }
}
