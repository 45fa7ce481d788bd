package io.leadscore.scoring.engine.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A validated, immutable scoring model version. Build one with {@link ModelParser}, which checks every constraint;
 * the constructor only guards against the mistakes that would make evaluation ill-defined.
 *
 * @param halfLife {@code null}: event points never decay
 * @param floor {@code null}: no lower clamp
 * @param cap {@code null}: no upper clamp
 * @param bands in strictly increasing {@code from} order
 * @param rules in model order, which fixes the summation order of contributions
 */
public final class ScoringModel {

    private final String modelId;
    private final int version;
    private final String name;
    private final Duration halfLife;
    private final Double floor;
    private final Double cap;
    private final List<Band> bands;
    private final List<Rule> rules;
    // Derived once: scoring asks for them for every lead it scores.
    private final List<EventRule> eventRules;
    private final List<AttributeRule> attributeRules;
    private final Map<String, int[]> eventRuleIndexesByType;

    public ScoringModel(String modelId, int version, String name, Duration halfLife, Double floor, Double cap,
            List<Band> bands, List<Rule> rules) {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(name, "name");
        bands = List.copyOf(bands);
        rules = List.copyOf(rules);
        if (halfLife != null && halfLife.toMillis() < 1) {
            throw new IllegalArgumentException("halfLife must be at least 1 ms");
        }
        if (floor != null && cap != null && floor > cap) {
            throw new IllegalArgumentException("floor must not be greater than cap");
        }
        this.modelId = modelId;
        this.version = version;
        this.name = name;
        this.halfLife = halfLife;
        this.floor = floor;
        this.cap = cap;
        this.bands = bands;
        this.rules = rules;
        List<EventRule> events = new ArrayList<>();
        List<AttributeRule> attributes = new ArrayList<>();
        for (Rule rule : rules) {
            if (rule instanceof EventRule eventRule) {
                events.add(eventRule);
            } else if (rule instanceof AttributeRule attributeRule) {
                attributes.add(attributeRule);
            }
        }
        this.eventRules = List.copyOf(events);
        this.attributeRules = List.copyOf(attributes);
        Map<String, List<Integer>> byType = new HashMap<>();
        for (int i = 0; i < eventRules.size(); i++) {
            byType.computeIfAbsent(eventRules.get(i).eventType(), type -> new ArrayList<>()).add(i);
        }
        Map<String, int[]> indexes = new HashMap<>();
        byType.forEach((type, list) -> indexes.put(type, list.stream().mapToInt(Integer::intValue).toArray()));
        this.eventRuleIndexesByType = Map.copyOf(indexes);
    }

    public String modelId() {
        return modelId;
    }

    public int version() {
        return version;
    }

    public String name() {
        return name;
    }

    public Duration halfLife() {
        return halfLife;
    }

    public Double floor() {
        return floor;
    }

    public Double cap() {
        return cap;
    }

    public List<Band> bands() {
        return bands;
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The last band whose lower bound the score reaches, or {@code null} when the score is below every band. */
    public Band bandFor(double score) {
        Band found = null;
        for (Band band : bands) {
            if (!band.admits(score)) {
                break;
            }
            found = band;
        }
        return found;
    }

    /** The raw score limited to [floor, cap]. */
    public double clamp(double raw) {
        double score = raw;
        if (floor != null && score < floor) {
            score = floor;
        }
        if (cap != null && score > cap) {
            score = cap;
        }
        return score;
    }

    /** The event rules in model order. */
    public List<EventRule> eventRules() {
        return eventRules;
    }

    /** The attribute rules in model order. */
    public List<AttributeRule> attributeRules() {
        return attributeRules;
    }

    /**
     * Positions in {@link #eventRules()} of the rules for this event type, ascending; empty when none. The array is
     * shared (scoring looks it up for every fact): callers must not modify it.
     */
    public int[] eventRuleIndexes(String eventType) {
        int[] indexes = eventRuleIndexesByType.get(eventType);
        return indexes == null ? NO_RULES : indexes;
    }

    private static final int[] NO_RULES = new int[0];

    @Override
    public boolean equals(Object other) {
        return other instanceof ScoringModel that && version == that.version && modelId.equals(that.modelId)
                && name.equals(that.name) && Objects.equals(halfLife, that.halfLife)
                && Objects.equals(floor, that.floor) && Objects.equals(cap, that.cap) && bands.equals(that.bands)
                && rules.equals(that.rules);
    }

    @Override
    public int hashCode() {
        return Objects.hash(modelId, version, name, halfLife, floor, cap, bands, rules);
    }

    @Override
    public String toString() {
        return "ScoringModel[modelId=" + modelId + ", version=" + version + ", name=" + name + ", halfLife=" + halfLife
                + ", floor=" + floor + ", cap=" + cap + ", bands=" + bands + ", rules=" + rules + "]";
    }
}
