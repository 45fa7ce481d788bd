package io.leadscore.scoring.engine.model;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A test on one field of a property or profile map. Comparisons ignore case; numbers and numeric strings compare as
 * numbers. When the actual value is a list, a positive operator holds if any element satisfies it, while {@code neq}
 * holds only if no element equals the value. A missing (or null) field satisfies only {@code neq} and
 * {@code exists: false}.
 *
 * <p>
 * Immutable; the expected value is normalised (and a regex compiled) once, because conditions run for every fact.
 */
public final class Condition {

    private final String field;
    private final Operator operator;
    private final Object value;
    private final Pattern pattern;
    private final boolean expectPresent;
    private final List<Expected> expected;

    private Condition(String field, Operator operator, Object value) {
        this.field = field;
        this.operator = operator;
        this.value = value;
        this.pattern = operator == Operator.MATCHES ? compile((String) value) : null;
        this.expectPresent = operator != Operator.EXISTS || value == null || (Boolean) value;
        List<Expected> normalized = new ArrayList<>();
        if (operator == Operator.IN) {
            for (Object element : (Collection<?>) value) {
                normalized.add(Expected.of(element));
            }
        } else if (operator != Operator.EXISTS && operator != Operator.MATCHES) {
            normalized.add(Expected.of(value));
        }
        this.expected = List.copyOf(normalized);
    }

    /**
     * @param value the JSON value as written in the model ({@code null} only for {@code exists})
     * @throws IllegalArgumentException when the value does not suit the operator (see {@link #problemWith})
     */
    public static Condition of(String field, Operator operator, Object value) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(operator, "operator");
        String problem = problemWith(operator, value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return new Condition(field, operator, value);
    }

    /** Why {@code value} cannot be used with {@code operator}, or {@code null} when it can. */
    public static String problemWith(Operator operator, Object value) {
        if (operator == Operator.EXISTS) {
            return value == null || value instanceof Boolean
                    ? null
                    : "exists takes a boolean value (true: present, false: absent), not " + describe(value);
        }
        if (value == null) {
            return "value is required for op " + operator;
        }
        return switch (operator) {
            case IN -> problemWithCandidates(value);
            case MATCHES -> problemWithRegex(value);
            case GT, GTE, LT, LTE -> Scalars.number(value) != null
                    ? null
                    : operator + " compares numbers; " + describe(value) + " is not numeric";
            default -> Scalars.isScalar(value)
                    ? null
                    : operator + " takes a string, number or boolean value, not " + describe(value);
        };
    }

    private static String problemWithCandidates(Object value) {
        if (!(value instanceof Collection<?> candidates)) {
            return "in takes an array value, not " + describe(value);
        }
        for (Object candidate : candidates) {
            if (!Scalars.isScalar(candidate)) {
                return "in values must be strings, numbers or booleans, not " + describe(candidate);
            }
        }
        return null;
    }

    private static String problemWithRegex(Object value) {
        if (!(value instanceof String regex)) {
            return "matches takes a regex string, not " + describe(value);
        }
        try {
            compile(regex);
            return null;
        } catch (PatternSyntaxException e) {
            return "invalid regex: " + e.getDescription() + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "");
        }
    }

    private static Pattern compile(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    private static String describe(Object value) {
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof Collection) {
            return "an array";
        }
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }

    public String field() {
        return field;
    }

    public Operator operator() {
        return operator;
    }

    /** The value as written in the model; {@code null} for {@code exists} without a value. */
    public Object value() {
        return value;
    }

    /** The compiled regex of a {@code matches} condition. */
    public Optional<Pattern> pattern() {
        return Optional.ofNullable(pattern);
    }

    public boolean holdsOn(Map<String, ?> values) {
        Object actual = values == null ? null : values.get(field);
        if (operator == Operator.EXISTS) {
            return (actual != null) == expectPresent;
        }
        if (actual == null) {
            return operator == Operator.NEQ;
        }
        if (operator == Operator.NEQ) {
            return !anyElement(actual, Operator.EQ);
        }
        return anyElement(actual, operator);
    }

    private boolean anyElement(Object actual, Operator test) {
        if (actual instanceof Collection<?> elements) {
            for (Object element : elements) {
                if (holdsOnScalar(element, test)) {
                    return true;
                }
            }
            return false;
        }
        return holdsOnScalar(actual, test);
    }

    private boolean holdsOnScalar(Object actual, Operator test) {
        if (!Scalars.isScalar(actual)) {
            return false;
        }
        return switch (test) {
            case EQ -> expected.get(0).equalsValue(actual);
            case IN -> expected.stream().anyMatch(candidate -> candidate.equalsValue(actual));
            case CONTAINS -> Scalars.lowerText(actual).contains(expected.get(0).lowerText);
            case STARTS_WITH -> Scalars.lowerText(actual).startsWith(expected.get(0).lowerText);
            case MATCHES -> matches(Scalars.text(actual));
            case GT, GTE, LT, LTE -> comparesNumerically(Scalars.number(actual), test);
            default -> throw new IllegalStateException("not a test on one value: " + test);
        };
    }

    /**
     * Whether the regex finds a match within {@link #REGEX_BUDGET} character reads. A regex that backtracks
     * exponentially ({@code (a|aa)*c} on a long run of a's) would otherwise hold the thread scoring every tenant's
     * events for minutes; past the budget it does not match. The budget counts reads, not time, so the outcome is the
     * same live, replayed and explained.
     */
    private boolean matches(String text) {
        try {
            return pattern.matcher(new BudgetedText(text, new int[1], 0, text.length())).find();
        } catch (RegexBudgetExceeded e) {
            return false;
        }
    }

    /** How many characters one {@code matches} test may read: a linear or quadratic regex on a long value fits. */
    static final int REGEX_BUDGET = 10_000_000;

    private static final class RegexBudgetExceeded extends RuntimeException {
        private static final RegexBudgetExceeded INSTANCE = new RegexBudgetExceeded();

        private RegexBudgetExceeded() {
            super("regex read budget exceeded", null, false, false);
        }
    }

    /** A view of the text that counts the regex engine's reads in a counter shared with its sub-sequences. */
    private record BudgetedText(String text, int[] reads, int start, int end) implements CharSequence {

        @Override
        public int length() {
            return end - start;
        }

        @Override
        public char charAt(int index) {
            if (++reads[0] > REGEX_BUDGET) {
                throw RegexBudgetExceeded.INSTANCE;
            }
            return text.charAt(start + index);
        }

        @Override
        public CharSequence subSequence(int from, int to) {
            return new BudgetedText(text, reads, start + from, start + to);
        }

        @Override
        public String toString() {
            return text.substring(start, end);
        }
    }

    /** A non-numeric value (null here) simply does not match. */
    private boolean comparesNumerically(BigDecimal actual, Operator test) {
        if (actual == null) {
            return false;
        }
        int order = actual.compareTo(expected.get(0).number);
        return switch (test) {
            case GT -> order > 0;
            case GTE -> order >= 0;
            case LT -> order < 0;
            default -> order <= 0;
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Condition that && field.equals(that.field) && operator == that.operator
                && Objects.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(field, operator, value);
    }

    @Override
    public String toString() {
        return field + " " + operator + (value == null ? "" : " " + describe(value));
    }

    /** An expected scalar, pre-normalised. */
    private static final class Expected {
        final String lowerText;
        final BigDecimal number;

        private Expected(String lowerText, BigDecimal number) {
            this.lowerText = lowerText;
            this.number = number;
        }

        static Expected of(Object scalar) {
            return new Expected(Scalars.lowerText(scalar), Scalars.number(scalar));
        }

        /** Numerically when both sides are numeric, otherwise as case-insensitive text. */
        boolean equalsValue(Object actual) {
            if (number != null) {
                BigDecimal actualNumber = Scalars.number(actual);
                if (actualNumber != null) {
                    return actualNumber.compareTo(number) == 0;
                }
            }
            return lowerText.equals(Scalars.lowerText(actual));
        }
    }
}
