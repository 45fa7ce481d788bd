package io.leadscore.routing.domain.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.leadscore.routing.domain.ModelScore;
import io.leadscore.routing.domain.Stage;

/**
 * A tenant's routing policy at one version: ordered stage rules, hysteresis, follow-up SLAs and the rejection
 * cool-down.
 *
 * @param version 0 for the built-in default
 * @param margin hysteresis: points by which scores must fall below the entry rule before a lead moves down
 * @param dwell hysteresis: after this long in a stage, a lead moves down as soon as the rules say so; null = never
 * @param sla per stage ({@code mql}, {@code sql}): how long the owner has to accept
 * @param alertStages stages whose entry (or reassignment within) the owner is to be alerted about
 * @param finalStages sales outcomes that score changes never move a lead out of
 * @param rankBy the model whose score orders work queues; null = the lead's highest score under any model
 */
public record RoutingPolicy(int version, List<StageRule> rules, Stage defaultStage, double margin, Duration dwell,
        Map<Stage, Duration> sla, Duration rejectCooldown, Set<Stage> alertStages, Set<Stage> finalStages,
        String rankBy) {

    /** The outcome of trying the rules in order. */
    public record Evaluation(Stage stage, String ruleId) {
    }

    public static final String DEFAULT_RULE_ID = "default";

    public Evaluation evaluate(Map<String, ModelScore> scores, Map<String, Object> attributes) {
        for (StageRule rule : rules) {
            if (rule.when().test(scores, attributes, 0)) {
                return new Evaluation(rule.stage(), rule.id());
            }
        }
        return new Evaluation(defaultStage, DEFAULT_RULE_ID);
    }

    public Optional<StageRule> rule(String id) {
        return rules.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    public List<StageRule> rulesFor(Stage stage) {
        return rules.stream().filter(r -> r.stage() == stage).toList();
    }

    public Duration sla(Stage stage) {
        return sla.get(stage);
    }

    public boolean isFinal(Stage stage) {
        return finalStages.contains(stage);
    }

    public boolean alerts(Stage stage) {
        return alertStages.contains(stage);
    }

    /** The score a lead is ranked by in work queues. */
    public double queueScore(Map<String, ModelScore> scores) {
        if (rankBy != null) {
            ModelScore s = scores.get(rankBy);
            return s == null ? 0 : s.score();
        }
        return scores.values().stream().mapToDouble(ModelScore::score).max().orElse(0);
    }

    public RoutingPolicy withVersion(int newVersion) {
        return new RoutingPolicy(newVersion, rules, defaultStage, margin, dwell, sla, rejectCooldown, alertStages,
                finalStages, rankBy);
    }
}
