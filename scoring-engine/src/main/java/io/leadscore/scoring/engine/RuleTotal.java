package io.leadscore.scoring.engine;

/**
 * What one rule added up to in an explanation, for short summaries such as "Viewed pricing 3× (+45)".
 *
 * @param label the rule's label, for people (its id when the model gives none)
 * @param count how many contributions (awarded facts, or 1 for an attribute rule)
 * @param total the sum of their effective points
 */
public record RuleTotal(String ruleId, String label, Contribution.Kind kind, int count, double total) {
}
