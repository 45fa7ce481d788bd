package io.leadscore.scoring.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.leadscore.scoring.engine.model.Band;
import io.leadscore.scoring.engine.model.ScoringModel;

/**
 * A lead's score as a pure function of (facts, model, instant). Facts may arrive in any order and more than once;
 * only facts that occurred at or before the instant count. The same inputs always give bit-identical numbers, whether
 * scored live, replayed or explained.
 */
public final class Scorer {

    private Scorer() {
    }

    /** The score with every contribution, cap exclusion and the profile it was computed from. */
    public static Explanation explain(ScoringModel model, Collection<Fact> facts, Instant at) {
        Objects.requireNonNull(at, "at");
        LeadTimeline timeline = LeadTimeline.build(model, facts, at, true);
        LeadTimeline.Snapshot snapshot = timeline.at(at, true);
        return new Explanation(model.modelId(), model.version(), at, snapshot.contributions(), timeline.excludedUpTo(at),
                snapshot.raw(), model.floor(), model.cap(), snapshot.score(), bandName(snapshot.band()),
                snapshot.profile());
    }

    /**
     * A score at an instant together with the lead's next band change after it; {@code explanation} only from
     * {@link #evaluate}.
     */
    public record Evaluation(ScoreResult result, Explanation explanation, Optional<Instant> nextChange) {
    }

    /**
     * {@link #explain} and {@link #nextChange} at once, from one timeline: exactly what the two give separately (cap
     * decisions only look at earlier facts, so a timeline holding later facts too explains any instant the same),
     * at half the work for live scoring, which needs both for every lead it touches.
     */
    public static Evaluation evaluate(ScoringModel model, Collection<Fact> facts, Instant now) {
        Objects.requireNonNull(now, "now");
        LeadTimeline timeline = LeadTimeline.build(model, facts, null, true);
        LeadTimeline.Snapshot snapshot = timeline.at(now, true);
        Explanation explanation = new Explanation(model.modelId(), model.version(), now, snapshot.contributions(),
                timeline.excludedUpTo(now), snapshot.raw(), model.floor(), model.cap(), snapshot.score(),
                bandName(snapshot.band()), snapshot.profile());
        return new Evaluation(explanation.result(), explanation, BandCrossing.next(model, timeline, now));
    }

    /** {@link #score} and {@link #nextChange} at once from one timeline, for rebuilds and decay checks. */
    public static Evaluation scoreWithNextChange(ScoringModel model, Collection<Fact> facts, Instant now) {
        Objects.requireNonNull(now, "now");
        LeadTimeline timeline = LeadTimeline.build(model, facts, null, false);
        LeadTimeline.Snapshot snapshot = timeline.at(now, false);
        return new Evaluation(new ScoreResult(snapshot.score(), bandName(snapshot.band())), null,
                BandCrossing.next(model, timeline, now));
    }

    /** The same score and band as {@link #explain}, without building the explanation. */
    public static ScoreResult score(ScoringModel model, Collection<Fact> facts, Instant at) {
        Objects.requireNonNull(at, "at");
        LeadTimeline.Snapshot snapshot = LeadTimeline.build(model, facts, at, false).at(at, false);
        return new ScoreResult(snapshot.score(), bandName(snapshot.band()));
    }

    /**
     * Contributions added up per rule, with the rule's label, largest absolute total first (ties by rule id).
     *
     * @param limit how many rules at most
     */
    public static List<RuleTotal> topContributions(Explanation explanation, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        Map<String, RuleTotal> byRule = new LinkedHashMap<>();
        for (Contribution contribution : explanation.contributions()) {
            byRule.merge(contribution.ruleId(),
                    new RuleTotal(contribution.ruleId(), contribution.label(), contribution.kind(), 1,
                            contribution.effectivePoints()),
                    (sum, one) -> new RuleTotal(sum.ruleId(), sum.label(), sum.kind(), sum.count() + 1,
                            sum.total() + one.total()));
        }
        List<RuleTotal> totals = new ArrayList<>(byRule.values());
        totals.sort(Comparator.comparingDouble((RuleTotal total) -> Math.abs(total.total())).reversed()
                .thenComparing(RuleTotal::ruleId));
        return List.copyOf(totals.subList(0, Math.min(limit, totals.size())));
    }

    /**
     * The earliest instant after {@code now} at which the band changes if no new facts arrive: when decay carries
     * the score across a band boundary (rounded up to a whole millisecond), or when a fact already known but dated
     * after {@code now} changes the band as it enters. Empty when the band never changes.
     */
    public static Optional<Instant> nextChange(ScoringModel model, Collection<Fact> facts, Instant now) {
        return BandCrossing.next(model, facts, now);
    }

    private static String bandName(Band band) {
        return band == null ? null : band.name();
    }
}
