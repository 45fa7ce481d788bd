package io.leadscore.scoring.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
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
        List<Fact> log = leadLog.facts().subList(0, leadLog.countUpTo(horizon));
        Map<String, List<IndexedRule>> rulesByType = new HashMap<>();
        List<EventRule> eventRules = model.eventRules();
        for (int i = 0; i < eventRules.size(); i++) {
            EventRule rule = eventRules.get(i);
            rulesByType.computeIfAbsent(rule.eventType(), type -> new ArrayList<>()).add(new IndexedRule(i, rule));
        }
        List<ArrayDeque<Fact>> awardedByRule = new ArrayList<>(eventRules.size());
        for (int i = 0; i < eventRules.size(); i++) {
            awardedByRule.add(new ArrayDeque<>());
        }

        List<Fact> profileUpdates = new ArrayList<>();
        List<Award> awards = new ArrayList<>();
        List<CappedMatch> excluded = explain ? new ArrayList<>() : null;
        List<Instant> instants = new ArrayList<>();
        for (Fact fact : log) {
            if (instants.isEmpty() || !instants.get(instants.size() - 1).equals(fact.occurredAt())) {
                instants.add(fact.occurredAt());
            }
            if (fact.isProfileUpdate()) {
                profileUpdates.add(fact);
            }
            for (IndexedRule indexed : rulesByType.getOrDefault(fact.type(), List.of())) {
                EventRule rule = indexed.rule();
                if (!rule.matches(fact.type(), fact.properties())) {
                    continue;
                }
                ArrayDeque<Fact> awarded = awardedByRule.get(indexed.index());
                if (rule.maxTimes() == null) {
                    awards.add(new Award(fact, rule));
                    continue;
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

    private record IndexedRule(int index, EventRule rule) {
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
        Map<String, Object> profile = profileAt(at);
        boolean explain = detail == Detail.FULL;
        List<Contribution> contributions = explain ? new ArrayList<>() : null;
        RuleTotals totals = detail == Detail.TOTALS ? new RuleTotals() : null;
        // One running sum in one fixed order; live scoring, replay and explanations all go through here.
        double raw = 0.0;
        double attributeSum = 0.0;
        for (AttributeRule rule : attributeRules) {
            if (rule.holdsOn(profile)) {
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

    private Map<String, Object> profileAt(Instant at) {
        Map<String, Object> profile = new LinkedHashMap<>();
        for (Fact update : profileUpdates) {
            if (update.occurredAt().isAfter(at)) {
                break;
            }
            for (Map.Entry<String, Object> attribute : update.attributes().entrySet()) {
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
