package io.leadscore.scoring.engine.model;

/**
 * One problem in a scoring model definition.
 *
 * @param ruleId the rule it is about, {@code null} when it is not about a rule (or the rule has no usable id)
 * @param field JSON path of the offending field, for example {@code rules[2].where[0].op}, {@code bands} or {@code $}
 *        for the document itself
 */
public record ModelError(String ruleId, String field, String message) {

    @Override
    public String toString() {
        return (ruleId == null ? "" : "rule '" + ruleId + "': ") + field + ": " + message;
    }
}
