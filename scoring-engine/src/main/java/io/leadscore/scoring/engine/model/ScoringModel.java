package io.leadscore.scoring.engine.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
public record ScoringModel(String modelId, int version, String name, Duration halfLife, Double floor, Double cap,
        List<Band> bands, List<Rule> rules) {

    public ScoringModel {
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

    public List<EventRule> eventRules() {
        List<EventRule> result = new ArrayList<>();
        for (Rule rule : rules) {
            if (rule instanceof EventRule eventRule) {
                result.add(eventRule);
            }
        }
        return result;
    }

    public List<AttributeRule> attributeRules() {
        List<AttributeRule> result = new ArrayList<>();
        for (Rule rule : rules) {
            if (rule instanceof AttributeRule attributeRule) {
                result.add(attributeRule);
            }
        }
        return result;
    }
}
