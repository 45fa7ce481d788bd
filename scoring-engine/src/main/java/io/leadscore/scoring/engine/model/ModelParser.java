package io.leadscore.scoring.engine.model;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a model's JSON tree (as a JSON library reads it into maps, lists, strings, numbers, booleans and nulls) into a
 * {@link ScoringModel}, or into the complete list of what is wrong with it: an author fixes a model in one round trip,
 * not one error at a time. A JSON {@code null} is treated like an absent field.
 */
public final class ModelParser {

    public static final int MAX_RULES = 200;
    public static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    public static final Pattern EVENT_TYPE = Pattern.compile("[a-z][a-z0-9_.]{0,63}");
    /** Labels end up in e-mails, chat messages and one-segment SMS, so they stay short. */
    public static final int MAX_LABEL_LENGTH = 120;

    private static final Set<String> MODEL_FIELDS = Set.of("name", "halfLife", "floor", "cap", "bands", "rules");
    private static final Set<String> BAND_FIELDS = Set.of("name", "from");
    private static final Set<String> RULE_FIELDS = Set.of("id", "label", "event", "attribute", "where", "op", "value",
            "points", "maxTimes", "per");
    private static final Set<String> CONDITION_FIELDS = Set.of("property", "op", "value");

    /**
     * The longest half-life or cap window. Longer ones mean nothing for a lead, and an instant that far from an event
     * is beyond what {@link java.time.Instant} holds: the first matching event would fail to score, and its batch
     * with it, for every tenant on the partition.
     */
    static final Duration MAX_DURATION = Duration.ofDays(36_525);

    private final List<ModelError> errors = new ArrayList<>();

    private ModelParser() {
    }

    public static ModelParseResult parse(String modelId, int version, Map<String, Object> json) {
        Objects.requireNonNull(modelId, "modelId");
        return new ModelParser().parseModel(modelId, version, json);
    }

    private ModelParseResult parseModel(String modelId, int version, Map<String, Object> json) {
        if (json == null) {
            error(null, "$", "a model must be a JSON object");
            return new ModelParseResult.Invalid(errors);
        }
        rejectUnknownFields(null, "", json, MODEL_FIELDS, "model");
        String name = requiredText(null, "name", json.get("name"));
        Duration halfLife = optionalDuration(null, "halfLife", json.get("halfLife"));
        if (halfLife != null && halfLife.toMillis() < 1) {
            error(null, "halfLife", "halfLife must be at least 1 ms");
            halfLife = null;
        }
        Double floor = optionalFiniteNumber(null, "floor", json.get("floor"));
        Double cap = optionalFiniteNumber(null, "cap", json.get("cap"));
        if (floor != null && cap != null && floor > cap) {
            error(null, "floor", "floor (" + floor + ") must not be greater than cap (" + cap + ")");
        }
        List<Band> bands = parseBands(json.get("bands"));
        List<Rule> rules = parseRules(json.get("rules"));
        if (!errors.isEmpty()) {
            return new ModelParseResult.Invalid(errors);
        }
        return new ModelParseResult.Valid(new ScoringModel(modelId, version, name, halfLife, floor, cap, bands, rules));
    }

    private List<Band> parseBands(Object json) {
        List<Band> bands = new ArrayList<>();
        if (!(json instanceof List<?> list) || list.isEmpty()) {
            error(null, "bands", json == null || json instanceof List
                    ? "at least one band is required"
                    : "bands must be an array of {name, from}");
            return bands;
        }
        Map<String, Integer> indexByName = new HashMap<>();
        Double previousFrom = null;
        for (int i = 0; i < list.size(); i++) {
            String path = "bands[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> band)) {
                error(null, path, "a band must be a JSON object {name, from}");
                continue;
            }
            rejectUnknownFields(null, path + ".", band, BAND_FIELDS, "band");
            String name = requiredText(null, path + ".name", band.get("name"));
            if (name != null) {
                Integer earlier = indexByName.putIfAbsent(name, i);
                if (earlier != null) {
                    error(null, path + ".name", "duplicate band name '" + name + "' (also bands[" + earlier + "])");
                }
            }
            Object fromJson = band.get("from");
            Double from = null;
            if (fromJson == null) {
                if (i > 0) {
                    error(null, path + ".from", "from is required (only the first band may have from: null)");
                }
            } else {
                from = finiteNumber(fromJson);
                if (from == null) {
                    error(null, path + ".from", "from must be a number, not " + describe(fromJson));
                } else if (previousFrom != null && from <= previousFrom) {
                    error(null, path + ".from", "bands out of order: from (" + from
                            + ") must be greater than the previous band's (" + previousFrom + ")");
                }
            }
            if (from != null) {
                previousFrom = from;
            }
            if (name != null) {
                bands.add(new Band(name, from));
            }
        }
        return bands;
    }

    private List<Rule> parseRules(Object json) {
        List<Rule> rules = new ArrayList<>();
        if (!(json instanceof List<?> list)) {
            error(null, "rules", json == null ? "rules is required (an array, possibly empty)" : "rules must be an array");
            return rules;
        }
        if (list.size() > MAX_RULES) {
            error(null, "rules", "at most " + MAX_RULES + " rules are allowed, got " + list.size());
        }
        Map<String, Integer> indexById = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "rules[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> rule)) {
                error(null, path, "a rule must be a JSON object");
                continue;
            }
            Rule parsed = parseRule(path, rule, indexById, i);
            if (parsed != null) {
                rules.add(parsed);
            }
        }
        return rules;
    }

    private Rule parseRule(String path, Map<?, ?> rule, Map<String, Integer> indexById, int index) {
        Object idJson = rule.get("id");
        String ruleId = idJson instanceof String text && !text.isBlank() ? text : null;
        int errorsBefore = errors.size();

        rejectUnknownFields(ruleId, path + ".", rule, RULE_FIELDS, "rule");
        if (idJson == null || ruleId == null && idJson instanceof String) {
            error(null, path + ".id", "id is required");
        } else if (ruleId == null) {
            error(null, path + ".id", "id must be a string, not " + describe(idJson));
        } else if (!RULE_ID.matcher(ruleId).matches()) {
            error(ruleId, path + ".id", "id must match " + RULE_ID.pattern());
        } else {
            Integer earlier = indexById.putIfAbsent(ruleId, index);
            if (earlier != null) {
                error(ruleId, path + ".id", "duplicate rule id '" + ruleId + "' (also rules[" + earlier + "])");
            }
        }
        String label = optionalLabel(ruleId, path + ".label", rule.get("label"));

        Double points = null;
        Object pointsJson = rule.get("points");
        if (pointsJson == null) {
            error(ruleId, path + ".points", "points is required");
        } else {
            points = finiteNumber(pointsJson);
            if (points == null) {
                error(ruleId, path + ".points", "points must be a finite number, not " + describe(pointsJson));
            }
        }

        boolean isEvent = rule.get("event") != null;
        boolean isAttribute = rule.get("attribute") != null;
        if (isEvent == isAttribute) {
            error(ruleId, path, isEvent
                    ? "a rule has either event or attribute, not both"
                    : "a rule needs event (scores facts of that type) or attribute (scores the profile)");
        }

        String eventType = null;
        if (isEvent) {
            Object eventJson = rule.get("event");
            if (eventJson instanceof String text && EVENT_TYPE.matcher(text).matches()) {
                eventType = text;
            } else {
                error(ruleId, path + ".event", "event must be an event type matching " + EVENT_TYPE.pattern() + ", not "
                        + describe(eventJson));
            }
        }
        List<Condition> where = parseWhere(ruleId, path, rule.get("where"));
        Integer maxTimes = optionalMaxTimes(ruleId, path, rule.get("maxTimes"));
        Duration per = optionalDuration(ruleId, path + ".per", rule.get("per"));
        if (rule.get("per") != null && rule.get("maxTimes") == null) {
            error(ruleId, path + ".per", "per needs maxTimes (per is the window the cap counts in)");
        }

        Condition attributeCondition = null;
        if (isAttribute) {
            String attribute = requiredText(ruleId, path + ".attribute", rule.get("attribute"));
            attributeCondition = parseCondition(ruleId, path + ".", attribute, rule);
            for (String eventOnly : List.of("where", "maxTimes", "per")) {
                if (rule.get(eventOnly) != null) {
                    error(ruleId, path + "." + eventOnly, eventOnly + " applies to event rules only");
                }
            }
        } else if (isEvent) {
            for (String attributeOnly : List.of("op", "value")) {
                if (rule.get(attributeOnly) != null) {
                    error(ruleId, path + "." + attributeOnly, attributeOnly
                            + " applies to attribute rules only; an event rule tests properties in where");
                }
            }
        }

        if (errors.size() > errorsBefore || isEvent == isAttribute) {
            return null;
        }
        if (isEvent) {
            return new EventRule(ruleId, eventType, where, points, maxTimes, per, label);
        }
        return new AttributeRule(ruleId, attributeCondition, points, label);
    }

    private List<Condition> parseWhere(String ruleId, String rulePath, Object json) {
        List<Condition> conditions = new ArrayList<>();
        if (json == null) {
            return conditions;
        }
        if (!(json instanceof List<?> list)) {
            error(ruleId, rulePath + ".where", "where must be an array of {property, op, value}");
            return conditions;
        }
        for (int j = 0; j < list.size(); j++) {
            String path = rulePath + ".where[" + j + "]";
            if (!(list.get(j) instanceof Map<?, ?> condition)) {
                error(ruleId, path, "a condition must be a JSON object {property, op, value}");
                continue;
            }
            rejectUnknownFields(ruleId, path + ".", condition, CONDITION_FIELDS, "condition");
            String property = requiredText(ruleId, path + ".property", condition.get("property"));
            Condition parsed = parseCondition(ruleId, path + ".", property, condition);
            if (parsed != null) {
                conditions.add(parsed);
            }
        }
        return conditions;
    }

    /** Reads {@code op} and {@code value} from {@code holder}: a where entry, or the attribute rule itself. */
    private Condition parseCondition(String ruleId, String prefix, String field, Map<?, ?> holder) {
        Object opJson = holder.get("op");
        if (opJson == null) {
            error(ruleId, prefix + "op", "op is required (one of " + Operator.ALL_NAMES + ")");
            return null;
        }
        Operator operator = opJson instanceof String name ? Operator.fromJsonName(name).orElse(null) : null;
        if (operator == null) {
            error(ruleId, prefix + "op", "unknown operator " + describe(opJson) + " (expected one of " + Operator.ALL_NAMES
                    + ")");
            return null;
        }
        Object value = holder.get("value");
        String problem = Condition.problemWith(operator, value);
        if (problem != null) {
            error(ruleId, prefix + "value", problem);
            return null;
        }
        return field == null ? null : Condition.of(field, operator, value);
    }

    /** The label without surrounding whitespace; {@code null} when absent (the rule is then labelled by its id). */
    private String optionalLabel(String ruleId, String field, Object json) {
        if (json == null) {
            return null;
        }
        if (!(json instanceof String text)) {
            error(ruleId, field, "label must be a string, not " + describe(json));
            return null;
        }
        String label = text.strip();
        if (label.isEmpty()) {
            error(ruleId, field, "label must not be blank (leave it out to show the rule id)");
            return null;
        }
        int length = label.codePointCount(0, label.length());
        if (length > MAX_LABEL_LENGTH) {
            error(ruleId, field, "label must be at most " + MAX_LABEL_LENGTH + " characters, not " + length);
            return null;
        }
        if (label.codePoints().anyMatch(Character::isISOControl)) {
            error(ruleId, field, "label must be one line without control characters");
            return null;
        }
        return label;
    }

    private Integer optionalMaxTimes(String ruleId, String rulePath, Object json) {
        if (json == null) {
            return null;
        }
        if (json instanceof Number number) {
            double value = number.doubleValue();
            if (value >= 1 && value <= Integer.MAX_VALUE && value == Math.rint(value)) {
                return (int) value;
            }
        }
        error(ruleId, rulePath + ".maxTimes", "maxTimes must be an integer of at least 1, not " + describe(json));
        return null;
    }

    private Duration optionalDuration(String ruleId, String field, Object json) {
        if (json == null) {
            return null;
        }
        if (json instanceof String text) {
            try {
                Duration duration = IsoDurations.parse(text);
                if (duration.compareTo(MAX_DURATION) > 0) {
                    error(ruleId, field, field.substring(field.lastIndexOf('.') + 1) + " must be at most P"
                            + MAX_DURATION.toDays() + "D (100 years), not \"" + text + "\"");
                    return null;
                }
                if (!duration.isNegative() && !duration.isZero()) {
                    return duration;
                }
            } catch (DateTimeParseException e) {
                error(ruleId, field, field.substring(field.lastIndexOf('.') + 1)
                        + " must be a positive ISO-8601 duration such as P30D or PT12H, not \"" + text + "\"");
                return null;
            }
        }
        error(ruleId, field, field.substring(field.lastIndexOf('.') + 1)
                + " must be a positive ISO-8601 duration such as P30D or PT12H, not " + describe(json));
        return null;
    }

    private Double optionalFiniteNumber(String ruleId, String field, Object json) {
        if (json == null) {
            return null;
        }
        Double value = finiteNumber(json);
        if (value == null) {
            error(ruleId, field, field + " must be a finite number, not " + describe(json));
        }
        return value;
    }

    private String requiredText(String ruleId, String field, Object json) {
        String name = field.substring(field.lastIndexOf('.') + 1);
        if (json == null || json instanceof String text && text.isBlank()) {
            error(ruleId, field, name + " is required");
            return null;
        }
        if (!(json instanceof String text)) {
            error(ruleId, field, name + " must be a string, not " + describe(json));
            return null;
        }
        return text;
    }

    private void rejectUnknownFields(String ruleId, String prefix, Map<?, ?> json, Set<String> known, String what) {
        for (Object key : json.keySet()) {
            if (!known.contains(key)) {
                error(ruleId, prefix + key, "unknown " + what + " field '" + key + "' (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static Double finiteNumber(Object json) {
        if (json instanceof Number number) {
            double value = number.doubleValue();
            return Double.isFinite(value) ? value : null;
        }
        return null;
    }

    private static String describe(Object json) {
        if (json == null) {
            return "null";
        }
        if (json instanceof Map) {
            return "an object";
        }
        if (json instanceof Collection) {
            return "an array";
        }
        return json instanceof String ? "\"" + json + "\"" : json.toString();
    }

    private void error(String ruleId, String field, String message) {
        errors.add(new ModelError(ruleId, field, message));
    }
}
