package io.leadscore.routing.domain.policy;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.leadscore.routing.domain.Stage;

/**
 * Turns a policy as JSON (maps, lists, strings, numbers, booleans) into a {@link RoutingPolicy}, listing every problem
 * at once with the rule and the exact field path. Pure and deterministic.
 */
public final class PolicyParser {

    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    /** Rule ids that transitions use for causes other than a policy rule. */
    public static final Set<String> RESERVED_RULE_IDS = Set.of("default", "feedback", "reassign", "sla");
    static final Pattern WEEKS = Pattern.compile("P(\\d{1,6})W");
    static final int MAX_RULES = 200;
    static final int MAX_DEPTH = 6;
    static final int MAX_VALUES = 500;
    static final Set<String> TOP_FIELDS = Set.of("rules", "default", "hysteresis", "sla", "rejectCooldown",
            "alertStages", "finalStages", "rankBy");
    static final Set<String> RULE_FIELDS = Set.of("id", "stage", "when");
    static final Set<String> MODEL_FIELDS = Set.of("model", "band", "bandIn", "scoreGte", "scoreLt");
    static final Set<String> ATTRIBUTE_FIELDS = Set.of("attribute", "in", "notIn", "equals", "gte", "gt", "lte", "lt",
            "exists");
    static final Duration DEFAULT_REJECT_COOLDOWN = Duration.ofDays(30);
    /**
     * The longest duration a policy may give (100 years, the bound of scoring models' durations): a deadline or
     * cool-down computed from it must stay a timestamp PostgreSQL can store, or every lead it applies to fails.
     */
    public static final Duration MAX_DURATION = Duration.ofDays(36_525);

    private PolicyParser() {
    }

    public static PolicyParseResult parse(Object json, int version) {
        return parse(json, version, false);
    }

    /**
     * Parses a version as stored. Versions published before durations were bounded may hold longer ones; they are
     * read as {@link #MAX_DURATION}, so that the tenant's leads can still be routed (a deadline further away than
     * that could not be stored), instead of the stored version becoming unreadable.
     */
    public static PolicyParseResult parseStored(Object json, int version) {
        return parse(json, version, true);
    }

    private static PolicyParseResult parse(Object json, int version, boolean clampDurations) {
        List<PolicyError> errors = new ArrayList<>();
        if (!(json instanceof Map<?, ?> root)) {
            errors.add(new PolicyError(null, "", "a policy must be a JSON object, not " + describe(json)));
            return new PolicyParseResult(null, errors);
        }
        unknownFields(root, TOP_FIELDS, "", null, errors);

        List<StageRule> rules = rules(root.get("rules"), errors);
        Stage defaultStage = Stage.NURTURE;
        if (root.containsKey("default")) {
            defaultStage = qualificationStage(root.get("default"), "default", null, errors);
        }

        double margin = 0;
        Duration dwell = null;
        Object hysteresis = root.get("hysteresis");
        if (hysteresis != null) {
            if (hysteresis instanceof Map<?, ?> h) {
                unknownFields(h, Set.of("margin", "dwell"), "hysteresis.", null, errors);
                if (h.containsKey("margin")) {
                    Double m = number(h.get("margin"), "hysteresis.margin", null, errors);
                    if (m != null && m < 0) {
                        errors.add(new PolicyError(null, "hysteresis.margin", "must be 0 or more points, not " + m));
                    } else if (m != null) {
                        margin = m;
                    }
                }
                if (h.containsKey("dwell") && h.get("dwell") != null) {
                    dwell = duration(h.get("dwell"), "hysteresis.dwell", false, clampDurations, errors);
                }
            } else {
                errors.add(new PolicyError(null, "hysteresis", "must be an object like {\"margin\": 5, \"dwell\": "
                        + "\"PT24H\"}, not " + describe(hysteresis)));
            }
        }

        Map<Stage, Duration> sla = new EnumMap<>(Stage.class);
        Object slaNode = root.get("sla");
        if (slaNode != null) {
            if (slaNode instanceof Map<?, ?> s) {
                for (Map.Entry<?, ?> e : s.entrySet()) {
                    String key = String.valueOf(e.getKey());
                    Stage stage = Stage.parse(key).orElse(null);
                    if (stage == null || !stage.needsOwner()) {
                        errors.add(new PolicyError(null, "sla." + key, "follow-up SLAs exist for mql and sql only"));
                        continue;
                    }
                    Duration d = duration(e.getValue(), "sla." + key, false, clampDurations, errors);
                    if (d != null) {
                        sla.put(stage, d);
                    }
                }
            } else {
                errors.add(new PolicyError(null, "sla", "must be an object like {\"sql\": \"PT4H\"}, not "
                        + describe(slaNode)));
            }
        }

        Duration rejectCooldown = DEFAULT_REJECT_COOLDOWN;
        if (root.containsKey("rejectCooldown")) {
            Duration d = duration(root.get("rejectCooldown"), "rejectCooldown", true, clampDurations, errors);
            if (d != null) {
                rejectCooldown = d;
            }
        }

        Set<Stage> alertStages = EnumSet.of(Stage.MQL, Stage.SQL);
        if (root.containsKey("alertStages")) {
            alertStages = stages(root.get("alertStages"), "alertStages", EnumSet.allOf(Stage.class), errors);
        }
        Set<Stage> finalStages = EnumSet.of(Stage.CONVERTED, Stage.LOST);
        if (root.containsKey("finalStages")) {
            finalStages = stages(root.get("finalStages"), "finalStages", EnumSet.of(Stage.CONVERTED, Stage.LOST),
                    errors);
        }

        String rankBy = null;
        if (root.containsKey("rankBy") && root.get("rankBy") != null) {
            rankBy = id(root.get("rankBy"), "rankBy", null, "a model id", errors);
        }

        if (!errors.isEmpty()) {
            return new PolicyParseResult(null, errors);
        }
        return new PolicyParseResult(new RoutingPolicy(version, List.copyOf(rules), defaultStage, margin, dwell,
                Map.copyOf(sla), rejectCooldown, Set.copyOf(alertStages), Set.copyOf(finalStages), rankBy),
                List.of());
    }

    /** A team's territory: a list of attribute conditions, all of which must match. */
    public static List<AttributeCondition> territory(Object json, String field, List<PolicyError> errors) {
        List<AttributeCondition> result = new ArrayList<>();
        if (json == null) {
            return result;
        }
        if (!(json instanceof List<?> list)) {
            errors.add(new PolicyError(null, field, "must be an array of attribute conditions like {\"attribute\": "
                    + "\"country\", \"in\": [\"DE\", \"AT\"]}, not " + describe(json)));
            return result;
        }
        for (int i = 0; i < list.size(); i++) {
            String path = field + "[" + i + "]";
            Object item = list.get(i);
            if (!(item instanceof Map<?, ?> m) || !m.containsKey("attribute")) {
                errors.add(new PolicyError(null, path, "must be an attribute condition like {\"attribute\": "
                        + "\"country\", \"in\": [\"DE\"]}"));
                continue;
            }
            AttributeCondition c = attributeCondition(m, path, null, errors);
            if (c != null) {
                result.add(c);
            }
        }
        return result;
    }

    private static List<StageRule> rules(Object node, List<PolicyError> errors) {
        List<StageRule> rules = new ArrayList<>();
        if (node == null) {
            return rules;
        }
        if (!(node instanceof List<?> list)) {
            errors.add(new PolicyError(null, "rules", "must be an array of rules, not " + describe(node)));
            return rules;
        }
        if (list.size() > MAX_RULES) {
            errors.add(new PolicyError(null, "rules", "has " + list.size() + " rules; the limit is " + MAX_RULES));
            return rules;
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "rules[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> r)) {
                errors.add(new PolicyError(null, path, "a rule must be an object with id, stage and when, not "
                        + describe(list.get(i))));
                continue;
            }
            String ruleId = r.get("id") instanceof String s ? s : null;
            int before = errors.size();
            unknownFields(r, RULE_FIELDS, path + ".", ruleId, errors);
            String id = required(r, "id", path, ruleId, errors)
                    ? id(r.get("id"), path + ".id", ruleId, "a rule id",
                            errors)
                    : null;
            if (id != null) {
                if (RESERVED_RULE_IDS.contains(id)) {
                    errors.add(new PolicyError(id, path + ".id", "'" + id + "' is reserved (it names transitions "
                            + "not caused by a rule)"));
                } else if (!ids.add(id)) {
                    errors.add(new PolicyError(id, path + ".id", "duplicate rule id '" + id + "'"));
                }
            }
            Stage stage = required(r, "stage", path, ruleId, errors)
                    ? qualificationStage(r.get("stage"), path + ".stage", ruleId, errors)
                    : null;
            Condition when = required(r, "when", path, ruleId, errors)
                    ? condition(r.get("when"), path + ".when", ruleId, 1, errors)
                    : null;
            if (errors.size() == before) {
                rules.add(new StageRule(id, stage, when));
            }
        }
        return rules;
    }

    private static Condition condition(Object node, String path, String rule, int depth, List<PolicyError> errors) {
        if (depth > MAX_DEPTH) {
            errors.add(new PolicyError(rule, path, "conditions nest at most " + MAX_DEPTH + " levels deep"));
            return null;
        }
        if (!(node instanceof Map<?, ?> m)) {
            errors.add(new PolicyError(rule, path, "a condition must be an object, not " + describe(node)));
            return null;
        }
        if (m.isEmpty()) {
            errors.add(new PolicyError(rule, path, "must not be empty: use all, any, or a model or attribute "
                    + "condition"));
            return null;
        }
        if (m.containsKey("all") || m.containsKey("any")) {
            String kind = m.containsKey("all") ? "all" : "any";
            if (m.size() != 1) {
                errors.add(new PolicyError(rule, path, "'" + kind + "' must be the only field of its object"));
                return null;
            }
            Object children = m.get(kind);
            if (!(children instanceof List<?> list) || list.isEmpty()) {
                errors.add(new PolicyError(rule, path + "." + kind, "must be a non-empty array of conditions"));
                return null;
            }
            List<Condition> parsed = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < list.size(); i++) {
                Condition c = condition(list.get(i), path + "." + kind + "[" + i + "]", rule, depth + 1, errors);
                ok &= c != null;
                parsed.add(c);
            }
            if (!ok) {
                return null;
            }
            return kind.equals("all") ? new AllOf(List.copyOf(parsed)) : new AnyOf(List.copyOf(parsed));
        }
        if (m.containsKey("model") && m.containsKey("attribute")) {
            errors.add(new PolicyError(rule, path, "a condition tests either a model or an attribute, not both"));
            return null;
        }
        if (m.containsKey("model")) {
            return modelCondition(m, path, rule, errors);
        }
        if (m.containsKey("attribute")) {
            return attributeCondition(m, path, rule, errors);
        }
        errors.add(new PolicyError(rule, path, "unknown condition " + m.keySet()
                + ": expected all, any, model or attribute"));
        return null;
    }

    private static ModelCondition modelCondition(Map<?, ?> m, String path, String rule, List<PolicyError> errors) {
        int before = errors.size();
        unknownFields(m, MODEL_FIELDS, path + ".", rule, errors);
        String model = id(m.get("model"), path + ".model", rule, "a model id", errors);
        String band = null;
        List<String> bandIn = null;
        Double gte = null;
        Double lt = null;
        if (m.containsKey("band")) {
            band = text(m.get("band"), path + ".band", rule, errors);
        }
        if (m.containsKey("bandIn")) {
            Object v = m.get("bandIn");
            if (v instanceof List<?> list && !list.isEmpty()
                    && list.stream().allMatch(x -> x instanceof String b && !hasControlCharacter(b))) {
                bandIn = list.stream().map(String.class::cast).toList();
            } else {
                errors.add(new PolicyError(rule, path + ".bandIn", "must be a non-empty array of band names (without "
                        + "control characters)"));
            }
        }
        if (m.containsKey("scoreGte")) {
            gte = number(m.get("scoreGte"), path + ".scoreGte", rule, errors);
        }
        if (m.containsKey("scoreLt")) {
            lt = number(m.get("scoreLt"), path + ".scoreLt", rule, errors);
        }
        if (errors.size() == before && band == null && bandIn == null && gte == null && lt == null) {
            errors.add(new PolicyError(rule, path, "a model condition needs band, bandIn, scoreGte or scoreLt"));
        }
        if (band != null && bandIn != null) {
            errors.add(new PolicyError(rule, path + ".bandIn", "use band or bandIn, not both"));
        }
        if (gte != null && lt != null && gte >= lt) {
            errors.add(new PolicyError(rule, path + ".scoreLt", "scoreGte " + gte + " and scoreLt " + lt
                    + " can never both hold"));
        }
        return errors.size() == before ? new ModelCondition(model, band, bandIn, gte, lt) : null;
    }

    private static AttributeCondition attributeCondition(Map<?, ?> m, String path, String rule,
            List<PolicyError> errors) {
        int before = errors.size();
        unknownFields(m, ATTRIBUTE_FIELDS, path + ".", rule, errors);
        String attribute = text(m.get("attribute"), path + ".attribute", rule, errors);
        List<String> operators = m.keySet().stream().map(String::valueOf)
                .filter(k -> !k.equals("attribute") && ATTRIBUTE_FIELDS.contains(k)).toList();
        if (operators.size() != 1) {
            if (errors.size() == before) {
                errors.add(new PolicyError(rule, path, "an attribute condition needs exactly one of in, notIn, "
                        + "equals, gte, gt, lte, lt, exists" + (operators.isEmpty() ? "" : "; found " + operators)));
            }
            return null;
        }
        String op = operators.get(0);
        AttributeCondition.Operator operator = AttributeCondition.Operator.of(op);
        Object v = m.get(op);
        String field = path + "." + op;
        List<Object> values;
        switch (operator) {
            case IN :
            case NOT_IN :
                if (!(v instanceof List<?> list) || list.isEmpty() || list.size() > MAX_VALUES
                        || !list.stream().allMatch(PolicyParser::isScalar)) {
                    errors.add(new PolicyError(rule, field, "must be a non-empty array (at most " + MAX_VALUES
                            + ") of strings, numbers or booleans"));
                    return null;
                }
                if (list.stream().anyMatch(PolicyParser::hasNul)) {
                    errors.add(new PolicyError(rule, field, "must not contain the NUL character"));
                    return null;
                }
                values = List.copyOf(list);
                break;
            case EQUALS :
                if (!isScalar(v)) {
                    errors.add(new PolicyError(rule, field, "must be a string, number or boolean, not "
                            + describe(v)));
                    return null;
                }
                if (hasNul(v)) {
                    errors.add(new PolicyError(rule, field, "must not contain the NUL character"));
                    return null;
                }
                values = List.of(v);
                break;
            case EXISTS :
                if (!(v instanceof Boolean)) {
                    errors.add(new PolicyError(rule, field, "must be true or false, not " + describe(v)));
                    return null;
                }
                values = List.of(v);
                break;
            default :
                Double n = number(v, field, rule, errors);
                if (n == null) {
                    return null;
                }
                values = List.of(n);
        }
        return errors.size() == before ? new AttributeCondition(attribute, operator, values) : null;
    }

    private static Stage qualificationStage(Object v, String field, String rule, List<PolicyError> errors) {
        Stage stage = v instanceof String s ? Stage.parse(s).orElse(null) : null;
        if (stage == null || !stage.isQualification()) {
            errors.add(new PolicyError(rule, field, "must be one of nurture, mql, sql, not "
                    + (v instanceof String s ? "'" + s + "'" : describe(v))));
            return null;
        }
        return stage;
    }

    private static Set<Stage> stages(Object v, String field, Set<Stage> allowed, List<PolicyError> errors) {
        Set<Stage> result = new LinkedHashSet<>();
        if (!(v instanceof List<?> list)) {
            errors.add(new PolicyError(null, field, "must be an array of stage names, not " + describe(v)));
            return result;
        }
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            Stage stage = item instanceof String s ? Stage.parse(s).orElse(null) : null;
            if (stage == null || !allowed.contains(stage)) {
                errors.add(new PolicyError(null, field + "[" + i + "]", "must be one of "
                        + allowed.stream().map(Stage::wire).toList() + ", not "
                        + (item instanceof String s ? "'" + s + "'" : describe(item))));
            } else {
                result.add(stage);
            }
        }
        return result;
    }

    public static Duration duration(Object v, String field, boolean zeroAllowed, List<PolicyError> errors) {
        return duration(v, field, zeroAllowed, false, errors);
    }

    private static Duration duration(Object v, String field, boolean zeroAllowed, boolean clamp,
            List<PolicyError> errors) {
        if (!(v instanceof String s)) {
            errors.add(new PolicyError(null, field, "must be an ISO-8601 duration string such as PT4H or P1D, not "
                    + describe(v)));
            return null;
        }
        Duration d;
        try {
            var weeks = WEEKS.matcher(s);
            d = weeks.matches() ? Duration.ofDays(7 * Long.parseLong(weeks.group(1))) : Duration.parse(s);
        } catch (NumberFormatException | ArithmeticException e) {
            errors.add(new PolicyError(null, field, tooLong(s)));
            return null;
        } catch (DateTimeParseException e) {
            errors.add(new PolicyError(null, field, "'" + s + "' is not an ISO-8601 duration such as PT4H or P1D "
                    + "(months and years are not allowed)"));
            return null;
        }
        if (d.isNegative() || (!zeroAllowed && d.isZero())) {
            errors.add(new PolicyError(null, field, "must be " + (zeroAllowed ? "zero or positive" : "positive")
                    + ", not " + s));
            return null;
        }
        if (d.compareTo(MAX_DURATION) > 0) {
            if (clamp) {
                return MAX_DURATION;
            }
            errors.add(new PolicyError(null, field, tooLong(s)));
            return null;
        }
        return d;
    }

    private static String tooLong(String duration) {
        return "must be at most P" + MAX_DURATION.toDays() + "D (100 years), not " + duration;
    }

    private static boolean required(Map<?, ?> m, String key, String path, String rule, List<PolicyError> errors) {
        if (m.get(key) == null) {
            errors.add(new PolicyError(rule, path + "." + key, "is required"));
            return false;
        }
        return true;
    }

    private static String id(Object v, String field, String rule, String what, List<PolicyError> errors) {
        if (!(v instanceof String s) || !ID.matcher(s).matches()) {
            errors.add(new PolicyError(rule, field, "must be " + what + " matching " + ID.pattern() + ", not "
                    + (v instanceof String s ? "'" + s + "'" : describe(v))));
            return null;
        }
        return s;
    }

    private static String text(Object v, String field, String rule, List<PolicyError> errors) {
        if (!(v instanceof String s) || s.isBlank() || s.length() > 128 || hasControlCharacter(s)) {
            errors.add(new PolicyError(rule, field, "must be a non-blank string of at most 128 characters without "
                    + "control characters, not " + describe(v)));
            return null;
        }
        return s;
    }

    private static boolean hasControlCharacter(String s) {
        return s.codePoints().anyMatch(Character::isISOControl);
    }

    /** PostgreSQL cannot store NUL in JSONB, where policies and territories are kept. */
    private static boolean hasNul(Object v) {
        return v instanceof String s && s.indexOf('\u0000') >= 0;
    }

    private static Double number(Object v, String field, String rule, List<PolicyError> errors) {
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            errors.add(new PolicyError(rule, field, "must be a number, not " + describe(v)));
            return null;
        }
        return n.doubleValue();
    }

    private static void unknownFields(Map<?, ?> m, Set<String> allowed, String prefix, String rule,
            List<PolicyError> errors) {
        for (Object key : m.keySet()) {
            if (!allowed.contains(String.valueOf(key))) {
                errors.add(new PolicyError(rule, prefix + key, "unknown field (allowed: "
                        + allowed.stream().sorted().toList() + ")"));
            }
        }
    }

    private static boolean isScalar(Object v) {
        return v instanceof String || v instanceof Number || v instanceof Boolean;
    }

    public static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Number) {
            return "a number";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        return v.getClass().getSimpleName();
    }
}
