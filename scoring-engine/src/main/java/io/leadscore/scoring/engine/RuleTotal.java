package io.leadscore.scoring.engine;

/**
 * What one rule added up to in an explanation, for short summaries such as "viewed pricing 3× (+45)".
 *
 * @param count how many contributions (awarded facts, or 1 for an attribute rule)
 * @param total the sum of their effective points
 */
public record RuleTotal(String ruleId, Contribution.Kind kind, int count, double total) {
}
