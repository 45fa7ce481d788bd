package io.leadscore.routing.domain.policy;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.leadscore.routing.domain.ModelScore;

/**
 * A test of one profile attribute. Strings compare case-insensitively, numbers numerically (a numeric string counts as
 * its number for {@code gte}/{@code gt}/{@code lte}/{@code lt}); an array attribute matches {@code in}/{@code equals}
 * when any element does. A missing attribute matches only {@code notIn} and {@code exists: false}.
 *
 * @param values the list for {@code in}/{@code notIn}, a single value for {@code equals}, a number for the comparisons,
 *        a boolean for {@code exists}
 */
public record AttributeCondition(String attribute, Operator operator, List<Object> values) implements Condition {

    public enum Operator {
        IN("in"), NOT_IN("notIn"), EQUALS("equals"), GTE("gte"), GT("gt"), LTE("lte"), LT("lt"), EXISTS("exists");

        public final String wire;

        Operator(String wire) {
            this.wire = wire;
        }

        public static Operator of(String wire) {
            for (Operator o : values()) {
                if (o.wire.equals(wire)) {
                    return o;
                }
            }
            return null;
        }
    }

    @Override
    public boolean test(Map<String, ModelScore> scores, Map<String, Object> attributes, double margin) {
        return matches(attributes);
    }

    public boolean matches(Map<String, Object> attributes) {
        Object value = attributes == null ? null : attributes.get(attribute);
        switch (operator) {
            case EXISTS :
                return (value != null) == Boolean.TRUE.equals(values.get(0));
            case NOT_IN :
                return value == null || !anyEquals(value, values);
            case IN :
            case EQUALS :
                return value != null && anyEquals(value, values);
            default :
                return value != null && compare(value);
        }
    }

    private boolean compare(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(this::compare);
        }
        Double number = number(value);
        if (number == null) {
            return false;
        }
        double limit = ((Number) values.get(0)).doubleValue();
        switch (operator) {
            case GTE :
                return number >= limit;
            case GT :
                return number > limit;
            case LTE :
                return number <= limit;
            case LT :
                return number < limit;
            default :
                return false;
        }
    }

    private static boolean anyEquals(Object value, List<Object> candidates) {
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(v -> v != null && anyEquals(v, candidates));
        }
        for (Object c : candidates) {
            if (scalarEquals(value, c)) {
                return true;
            }
        }
        return false;
    }

    static boolean scalarEquals(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        if (a instanceof String x && b instanceof String y) {
            return x.toLowerCase(Locale.ROOT).equals(y.toLowerCase(Locale.ROOT));
        }
        return a.equals(b);
    }

    private static Double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
