package io.leadscore.scoring.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Every point of a score at one instant. The effective points of {@code contributions}, added from 0.0 in list order
 * (attribute rules in model order, then awarded facts in log order with rules in model order), give {@code raw}
 * exactly; {@code score} is {@code raw} clamped to [{@code floor}, {@code cap}].
 *
 * @param excluded matches that earned nothing because a cap was reached
 * @param band the band's name, {@code null} when the score is below every band
 * @param profile the lead's profile at {@code at}, by field name
 */
public record Explanation(String modelId, int modelVersion, Instant at, List<Contribution> contributions,
        List<CappedMatch> excluded, double raw, Double floor, Double cap, double score, String band,
        Map<String, Object> profile) {

    public Explanation {
        contributions = List.copyOf(contributions);
        excluded = List.copyOf(excluded);
    }

    public ScoreResult result() {
        return new ScoreResult(score, band);
    }
}
