package io.leadscore.scoring.engine.model;

import static io.leadscore.scoring.engine.Json.arr;
import static io.leadscore.scoring.engine.Json.obj;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ConditionTest {

    private static boolean holds(String field, Operator op, Object value, Map<String, Object> values) {
        return Condition.of(field, op, value).holdsOn(values);
    }

    private static boolean holds(Operator op, Object value, Object actual) {
        return holds("f", op, value, obj("f", actual));
    }

    @Test
    void eqIgnoresCaseAndComparesNumbersNumerically() {
        assertTrue(holds(Operator.EQ, "Pricing", "PRICING"));
        assertFalse(holds(Operator.EQ, "pricing", "pricing-page"));
        assertTrue(holds(Operator.EQ, 200, 200.0));
        assertTrue(holds(Operator.EQ, 200, "200"), "numeric strings are numbers");
        assertTrue(holds(Operator.EQ, "250", new BigDecimal("250.00")));
        assertTrue(holds(Operator.EQ, 0.1, "0.1"));
        assertTrue(holds(Operator.EQ, 10L, BigInteger.TEN));
        assertFalse(holds(Operator.EQ, 200, 201));
        assertFalse(holds(Operator.EQ, 200, "two hundred"));
        assertTrue(holds(Operator.EQ, true, "TRUE"), "booleans compare as \"true\"/\"false\"");
        assertTrue(holds(Operator.EQ, "false", false));
        assertFalse(holds(Operator.EQ, true, false));
    }

    @Test
    void neqMatchesMissingFieldsAndArraysWithoutTheValue() {
        assertTrue(holds(Operator.NEQ, "a", "b"));
        assertFalse(holds(Operator.NEQ, "a", "A"));
        assertTrue(holds("f", Operator.NEQ, "a", obj()), "missing is not equal");
        assertTrue(holds(Operator.NEQ, "a", null), "null is missing");
        assertTrue(holds(Operator.NEQ, "a", arr("b", "c")));
        assertFalse(holds(Operator.NEQ, "a", arr("b", "A")), "neq holds only if no element equals");
        assertFalse(holds(Operator.NEQ, 5, "5.0"));
    }

    @Test
    void inTakesAnArrayOfCandidates() {
        assertTrue(holds(Operator.IN, arr("de", "AT", "ch"), "at"));
        assertTrue(holds(Operator.IN, arr(1, 2, 3), "2"));
        assertFalse(holds(Operator.IN, arr("de", "at"), "fr"));
        assertTrue(holds(Operator.IN, arr("de", "at"), arr("fr", "AT")), "any element of an array value");
        assertFalse(holds(Operator.IN, arr(), "de"));
        assertFalse(holds("f", Operator.IN, arr("de"), obj()));
    }

    @Test
    void containsAndStartsWithIgnoreCase() {
        assertTrue(holds(Operator.CONTAINS, "/pricing", "https://acme.com/PRICING?plan=pro"));
        assertFalse(holds(Operator.CONTAINS, "/pricing", "https://acme.com/careers"));
        assertTrue(holds(Operator.STARTS_WITH, "HTTPS://", "https://acme.com"));
        assertFalse(holds(Operator.STARTS_WITH, "acme", "https://acme.com"));
        assertTrue(holds(Operator.CONTAINS, 20, 1200), "numbers read as their decimal text");
        assertTrue(holds(Operator.CONTAINS, "pricing", arr("/blog", "/Pricing")));
        assertFalse(holds("f", Operator.CONTAINS, "x", obj()));
    }

    @Test
    void matchesFindsACaseInsensitiveRegex() {
        String senior = "\\b(vp|director|head|chief)\\b";
        assertTrue(holds(Operator.MATCHES, senior, "VP Marketing"));
        assertTrue(holds(Operator.MATCHES, senior, "Head of Growth"));
        assertFalse(holds(Operator.MATCHES, senior, "Headhunter"), "find, but with the regex's word boundaries");
        assertTrue(holds(Operator.MATCHES, "^\\d{3}$", 250));
        assertTrue(holds(Operator.MATCHES, "ü", "MÜNCHEN"), "case-insensitive beyond ASCII");
        assertFalse(holds("f", Operator.MATCHES, ".*", obj()), "even .* needs the field");
    }

    /**
     * A regex that backtracks exponentially gives up as no match instead of holding the scoring thread: counted in
     * character reads, so the outcome is the same every time it is evaluated.
     */
    @Test
    void aRegexThatBacktracksExponentiallyGivesUpAsNoMatch() {
        // The back-reference keeps the JDK from remembering positions it already failed at: 2^40 paths.
        String run = "a".repeat(40);
        assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> holds(Operator.MATCHES, "^(a|a)*\\1b", run)));
        assertTrue(holds(Operator.MATCHES, "^(a|a)*\\1b", "aaab"), "the same regex still matches where it can");
        String url = "b".repeat(3_000) + "/pricing?plan=annual";
        assertTrue(holds(Operator.MATCHES, ".*pricing.*annual", url), "a quadratic regex on a long value fits");
        assertFalse(holds(Operator.MATCHES, ".*x.*y", "b".repeat(3_000)));
    }

    @Test
    void numericOperatorsCompareNumbersAndIgnoreTheRest() {
        assertTrue(holds(Operator.GT, 200, 201));
        assertFalse(holds(Operator.GT, 200, 200));
        assertTrue(holds(Operator.GTE, 200, 200));
        assertTrue(holds(Operator.GTE, 200, "250"), "numeric strings are numbers");
        assertTrue(holds(Operator.GTE, "199.5", 200));
        assertTrue(holds(Operator.LT, 0, -0.5));
        assertFalse(holds(Operator.LT, 10, 10.0));
        assertTrue(holds(Operator.LTE, 10, 10.0));
        assertFalse(holds(Operator.GT, 1, "lots"), "a non-numeric value simply does not match");
        assertFalse(holds(Operator.GT, 1, true));
        assertFalse(holds(Operator.LT, 1, "0x0"));
        assertFalse(holds(Operator.LT, 1, Double.NaN));
        assertTrue(holds(Operator.GT, 100, arr("n/a", 50, 150)), "any element");
        assertFalse(holds("f", Operator.LT, 100, obj()));
        assertTrue(holds(Operator.GT, 1, " 2 "), "surrounding whitespace is tolerated");
        assertFalse(holds(Operator.LT, 1e300, "1e301"));
    }

    @Test
    void existsTestsPresence() {
        assertTrue(holds(Operator.EXISTS, null, "x"));
        assertTrue(holds(Operator.EXISTS, true, ""));
        assertTrue(holds(Operator.EXISTS, true, arr()));
        assertFalse(holds(Operator.EXISTS, null, null), "a null value is absent");
        assertFalse(holds("f", Operator.EXISTS, true, obj()));
        assertTrue(holds("f", Operator.EXISTS, false, obj()));
        assertTrue(holds(Operator.EXISTS, false, null));
        assertFalse(holds(Operator.EXISTS, false, "x"));
    }

    @Test
    void nonScalarActualValuesMatchNoPositiveOperator() {
        assertFalse(holds(Operator.EQ, "a", obj("a", "a")));
        assertFalse(holds(Operator.CONTAINS, "a", arr(arr("a"))));
        assertTrue(holds(Operator.NEQ, "a", obj("a", "a")));
    }
}
