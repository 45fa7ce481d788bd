package io.leadscore.scoring.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.leadscore.scoring.engine.model.AttributeRule;
import io.leadscore.scoring.engine.model.Band;
import io.leadscore.scoring.engine.model.EventRule;
import io.leadscore.scoring.engine.model.IsoDurations;
import io.leadscore.scoring.engine.model.ScoringModel;

/**
 * A lead's facts prepared for scoring at any instant up to a horizon: deduplicated, in log order, with every cap
 * decision already taken. A cap decision only looks at earlier facts, so it does not depend on the instant scored
 * at; that is what lets one timeline answer for many instants (see {@link BandCrossing}) with exactly the numbers
 * a fresh evaluation at each instant would give.
 */
final class LeadTimeline {

    private final ScoringModel model;
    private final List<AttributeRule> attributeRules;
    private final List<Fact> profileUpdates;
    private final List<Award> awards;
    private final List<CappedMatch> excluded;
    private final List<Instant> factInstants;
    // Memo of at(): the number of profile updates it last folded, that profile and the attribute rules' verdicts on
    // it. A timeline is used by one caller at a time (it never leaves the engine), so plain fields do.
    private int memoUpdates = -1;
    private Map<String, Object> memoProfile;
    private boolean[] memoHolds;

    /** An awarded (fact, rule) match, in summation order. */
    private record Award(Fact fact, EventRule rule) {
    }

    /** How much of the reasoning a snapshot keeps. */
    enum Detail {
        /** The numbers only. */
        NONE,
        /** Plus per-rule totals and the profile, for change messages. */
        TOTALS,
        /** Plus every contribution and the profile, for explanations. */
        FULL
    }

    /**
     * The numbers at one instant; {@code contributions} only in {@link Detail#FULL}, {@code totals} only in
     * {@link Detail#TOTALS}, {@code profile} in both.
     */
    record Snapshot(double raw, double attributeSum, double eventSum, double score, Band band,
            List<Contribution> contributions, RuleTotals totals, Map<String, Object> profile) {
    }

    private LeadTimeline(ScoringModel model, List<Fact> profileUpdates, List<Award> awards, List<CappedMatch> excluded,
            List<Instant> factInstants) {
        this.model = model;
        this.attributeRules = model.attributeRules();
        this.profileUpdates = profileUpdates;
        this.awards = awards;
        this.excluded = excluded;
        this.factInstants = factInstants;
    }

    /**
     * @param horizon facts after it are left out; {@code null} keeps them all
     * @param explain whether to keep what an explanation needs (cap exclusions with their reasons)
     */
    static LeadTimeline build(ScoringModel model, Collection<Fact> facts, Instant horizon, boolean explain) {
        return build(model, LeadLog.of(facts), horizon, explain);
    }

    /** The same from a log already deduplicated and ordered. */
    static LeadTimeline build(ScoringModel model, LeadLog leadLog, Instant horizon, boolean explain) {
        Objects.requireNonNull(model, "model");
        List<Fact> log = leadLog.shared().subList(0, leadLog.countUpTo(horizon));
        List<EventRule> eventRules = model.eventRules();
        // Only capped rules need to remember their awards; created when first needed.
        @SuppressWarnings("unchecked")
        ArrayDeque<Fact>[] awardedByRule = new ArrayDeque[eventRules.size()];

        List<Fact> profileUpdates = new ArrayList<>();
        List<Award> awards = new ArrayList<>();
        List<CappedMatch> excluded = explain ? new ArrayList<>() : null;
        List<Instant> instants = new ArrayList<>();
        for (int f = 0, n = log.size(); f < n; f++) {
            Fact fact = log.get(f);
            if (instants.isEmpty() || !instants.get(instants.size() - 1).equals(fact.occurredAt())) {
                instants.add(fact.occurredAt());
            }
            if (fact.isProfileUpdate()) {
                profileUpdates.add(fact);
            }
            for (int index : model.eventRuleIndexes(fact.type())) {
                EventRule rule = eventRules.get(index);
                if (!rule.matches(fact.type(), fact.properties())) {
                    continue;
                }
                if (rule.maxTimes() == null) {
                    awards.add(new Award(fact, rule));
                    continue;
                }
                ArrayDeque<Fact> awarded = awardedByRule[index];
                if (awarded == null) {
                    awarded = new ArrayDeque<>();
                    awardedByRule[index] = awarded;
                }
                if (rule.per() != null) {
                    // The window is (occurredAt - per, occurredAt]: an award exactly `per` earlier no longer counts.
                    Instant windowStart = fact.occurredAt().minus(rule.per());
                    while (!awarded.isEmpty() && !awarded.peekFirst().occurredAt().isAfter(windowStart)) {
                        awarded.pollFirst();
                    }
                }
                if (awarded.size() < rule.maxTimes()) {
                    awarded.addLast(fact);
                    awards.add(new Award(fact, rule));
                } else if (explain) {
                    excluded.add(new CappedMatch(fact.eventId(), fact.type(), fact.occurredAt(), rule.id(), rule.label(),
                            rule.points(), capReason(rule, awarded)));
                }
            }
        }
        return new LeadTimeline(model, profileUpdates, awards, excluded, instants);
    }

    private static String capReason(EventRule rule, ArrayDeque<Fact> awarded) {
        String window = rule.per() == null ? "" : " per " + IsoDurations.format(rule.per());
        return "maxTimes " + rule.maxTimes() + window + " reached: awarded "
                + awarded.stream().map(Fact::eventId).collect(Collectors.joining(", "));
    }

    /** Distinct instants of the facts, ascending. */
    List<Instant> factInstants() {
        return factInstants;
    }

    /** Cap exclusions of facts up to {@code at}; only available for a timeline built to explain. */
    List<CappedMatch> excludedUpTo(Instant at) {
        List<CappedMatch> result = new ArrayList<>();
        for (CappedMatch match : excluded) {
            if (!match.occurredAt().isAfter(at)) {
                result.add(match);
            }
        }
        return result;
    }

    Snapshot at(Instant at, boolean explain) {
        return at(at, explain ? Detail.FULL : Detail.NONE);
    }

    Snapshot at(Instant at, Detail detail) {
        int updates = profileUpdatesUpTo(at);
        if (updates != memoUpdates) {
            // The profile and the attribute rules' verdicts change only at profile updates; finding a band crossing
            // evaluates many instants between two of them.
            memoProfile = profileOf(updates);
            memoHolds = new boolean[attributeRules.size()];
            for (int i = 0; i < memoHolds.length; i++) {
                memoHolds[i] = attributeRules.get(i).holdsOn(memoProfile);
            }
            memoUpdates = updates;
        }
        Map<String, Object> profile = memoProfile;
        boolean explain = detail == Detail.FULL;
        List<Contribution> contributions = explain ? new ArrayList<>() : null;
        RuleTotals totals = detail == Detail.TOTALS ? new RuleTotals() : null;
        // One running sum in one fixed order; live scoring, replay and explanations all go through here.
        double raw = 0.0;
        double attributeSum = 0.0;
        for (int i = 0; i < memoHolds.length; i++) {
            AttributeRule rule = attributeRules.get(i);
            if (memoHolds[i]) {
                raw += rule.points();
                attributeSum += rule.points();
                if (explain) {
                    contributions.add(new Contribution(Contribution.Kind.ATTRIBUTE, null, rule.attribute(), null, null,
                            rule.id(), rule.label(), rule.points(), 1.0, rule.points()));
                } else if (totals != null) {
                    totals.add(rule.id(), rule.label(), Contribution.Kind.ATTRIBUTE, rule.points());
                }
            }
        }
        Duration halfLife = model.halfLife();
        double halfLifeMillis = halfLife == null ? 0 : halfLife.toMillis();
        double eventSum = 0.0;
        for (Award award : awards) {
            Fact fact = award.fact();
            if (fact.occurredAt().isAfter(at)) {
                break;
            }
            double points = award.rule().points();
            double decay = halfLife == null
                    ? 1.0
                    : Math.pow(0.5, (double) Duration.between(fact.occurredAt(), at).toMillis() / halfLifeMillis);
            double effective = points * decay;
            raw += effective;
            eventSum += effective;
            if (explain) {
                contributions.add(new Contribution(Contribution.Kind.EVENT, fact.eventId(), null, fact.type(),
                        fact.occurredAt(), award.rule().id(), award.rule().label(), points, decay, effective));
            } else if (totals != null) {
                totals.add(award.rule().id(), award.rule().label(), Contribution.Kind.EVENT, effective);
            }
        }
        double score = model.clamp(raw);
        return new Snapshot(raw, attributeSum, eventSum, score, model.bandFor(score), contributions, totals,
                detail != Detail.NONE ? Collections.unmodifiableMap(new TreeMap<>(profile)) : null);
    }

    /** How many profile updates occurred at or before the instant (they are in log order). */
    private int profileUpdatesUpTo(Instant at) {
        int count = 0;
        while (count < profileUpdates.size() && !profileUpdates.get(count).occurredAt().isAfter(at)) {
            count++;
        }
        return count;
    }

    /** The fold of the first {@code count} profile updates. */
    private Map<String, Object> profileOf(int count) {
        Map<String, Object> profile = new LinkedHashMap<>();
        for (int u = 0; u < count; u++) {
            for (Map.Entry<String, Object> attribute : profileUpdates.get(u).attributes().entrySet()) {
                if (attribute.getValue() == null) {
                    profile.remove(attribute.getKey());
                } else {
                    profile.put(attribute.getKey(), attribute.getValue());
                }
            }
        }
        return profile;
    }
}
