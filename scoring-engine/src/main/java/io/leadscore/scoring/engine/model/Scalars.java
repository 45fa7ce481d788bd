package io.leadscore.scoring.engine.model;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/**
 * How property and attribute values (String, Number, Boolean from a JSON tree) read as text and as numbers, so that
 * {@code 250}, {@code 250.0} and {@code "250"} all compare equal and booleans compare as {@code "true"/"false"}.
 */
final class Scalars {

    /** Beyond this exponent a plain (non-scientific) rendering would be absurdly long. */
    private static final int MAX_PLAIN_SCALE = 64;

    private Scalars() {
    }

    static boolean isScalar(Object value) {
        return value instanceof String || value instanceof Number || value instanceof Boolean;
    }

    /** Text form of a scalar, {@code null} for anything else (maps, lists, null). */
    static String text(Object value) {
        if (value instanceof String string) {
            return string;
        }
        if (value instanceof Boolean bool) {
            return bool.toString();
        }
        if (value instanceof Number number) {
            BigDecimal decimal = numberOf(number);
            if (decimal == null) {
                return number.toString();
            }
            BigDecimal normalized = decimal.signum() == 0 ? BigDecimal.ZERO : decimal.stripTrailingZeros();
            return Math.abs(normalized.scale()) > MAX_PLAIN_SCALE ? normalized.toString() : normalized.toPlainString();
        }
        return null;
    }

    static String lowerText(Object value) {
        String text = text(value);
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }

    /** A number or a numeric string as an exact decimal; {@code null} for anything else (including NaN/infinity). */
    static BigDecimal number(Object value) {
        if (value instanceof Number number) {
            return numberOf(number);
        }
        if (value instanceof String string) {
            return parseNumeric(string);
        }
        return null;
    }

    private static BigDecimal numberOf(Number number) {
        if (number instanceof BigDecimal decimal) {
            return decimal;
        }
        if (number instanceof Integer || number instanceof Long || number instanceof Short || number instanceof Byte) {
            return BigDecimal.valueOf(number.longValue());
        }
        if (number instanceof BigInteger integer) {
            return new BigDecimal(integer);
        }
        if (number instanceof Double || number instanceof Float) {
            double d = number.doubleValue();
            // Float through its own decimal text, so 0.1f reads as 0.1 rather than 0.100000001490116...
            return Double.isFinite(d)
                    ? new BigDecimal(number instanceof Float ? number.toString() : Double.toString(d))
                    : null;
        }
        return parseNumeric(number.toString());
    }

    /** JSON-style number syntax only: rejecting "0x1F", "1_000" or "NaN" keeps "numeric string" predictable. */
    private static BigDecimal parseNumeric(String raw) {
        String text = raw.strip();
        if (!looksNumeric(text)) {
            return null;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException | ArithmeticException exponentOutOfRange) {
            return null;
        }
    }

    private static boolean looksNumeric(String text) {
        int i = 0;
        int n = text.length();
        if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && isDigit(text.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && text.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(text.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            int exponentDigits = 0;
            while (i < n && isDigit(text.charAt(i))) {
                i++;
                exponentDigits++;
            }
            if (exponentDigits == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
