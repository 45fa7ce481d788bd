package io.leadscore.scoring.engine;

import java.time.Instant;
import java.util.Collection;
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
        return explain(model, LeadLog.of(facts), at);
    }

    /** {@link #explain} of a log already built. */
    public static Explanation explain(ScoringModel model, LeadLog log, Instant at) {
        Objects.requireNonNull(at, "at");
        LeadTimeline timeline = LeadTimeline.build(model, log, at, true);
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
        return scoreWithNextChange(model, LeadLog.of(facts), now);
    }

    /** {@link #scoreWithNextChange} of a log already built. */
    public static Evaluation scoreWithNextChange(ScoringModel model, LeadLog log, Instant now) {
        Objects.requireNonNull(now, "now");
        LeadTimeline timeline = LeadTimeline.build(model, log, null, false);
        LeadTimeline.Snapshot snapshot = timeline.at(now, false);
        return new Evaluation(new ScoreResult(snapshot.score(), bandName(snapshot.band())), null,
                BandCrossing.next(model, timeline, now));
    }

    /** The same score and band as {@link #explain}, without building the explanation. */
    public static ScoreResult score(ScoringModel model, Collection<Fact> facts, Instant at) {
        return score(model, LeadLog.of(facts), at);
    }

    /** {@link #score} of a log already built. */
    public static ScoreResult score(ScoringModel model, LeadLog log, Instant at) {
        Objects.requireNonNull(at, "at");
        LeadTimeline.Snapshot snapshot = LeadTimeline.build(model, log, at, false).at(at, false);
        return new ScoreResult(snapshot.score(), bandName(snapshot.band()));
    }

    /**
     * What a change message needs, without the explanation's per-fact detail.
     *
     * @param top the rules that contributed most: exactly {@link #topContributions} of {@link #explain} at the same
     *        instant
     * @param profile the profile at the instant, as in {@link Explanation#profile()}
     */
    public record Summary(ScoreResult result, List<RuleTotal> top, Map<String, Object> profile,
            Optional<Instant> nextChange) {
    }

    /**
     * The score, the {@code limit} rules that contributed most, the profile and the next band change, from one
     * timeline: the same numbers as {@link #evaluate} followed by {@link #topContributions}, at a fraction of the
     * allocation (no contribution per fact, no cap exclusions). Live scoring runs this for every lead it touches.
     */
    public static Summary summarize(ScoringModel model, LeadLog log, Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        LeadTimeline timeline = LeadTimeline.build(model, log, null, false);
        LeadTimeline.Snapshot snapshot = timeline.at(now, LeadTimeline.Detail.TOTALS);
        return new Summary(new ScoreResult(snapshot.score(), bandName(snapshot.band())), snapshot.totals().top(limit),
                snapshot.profile(), BandCrossing.next(model, timeline, now));
    }

    /**
     * Whether the fact can change any score under the model: it updates the profile, or some event rule matches it.
     * A fact that cannot, and whose event id is not already among the lead's facts (a copy reusing an id could win the
     * deduplication and displace one that counts), leaves {@link #score} and {@link #explain} exactly as they were
     * without it, at every instant.
     */
    public static boolean canAffect(ScoringModel model, Fact fact) {
        if (fact.isProfileUpdate()) {
            return true;
        }
        for (var rule : model.eventRules()) {
            if (rule.matches(fact.type(), fact.properties())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Contributions added up per rule, with the rule's label, largest absolute total first (ties by rule id).
     *
     * @param limit how many rules at most
     */
    public static List<RuleTotal> topContributions(Explanation explanation, int limit) {
        RuleTotals totals = new RuleTotals();
        for (Contribution contribution : explanation.contributions()) {
            totals.add(contribution.ruleId(), contribution.label(), contribution.kind(), contribution.effectivePoints());
        }
        return totals.top(limit);
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
