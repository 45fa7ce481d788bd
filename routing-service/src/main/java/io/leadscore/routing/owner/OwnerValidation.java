package io.leadscore.routing.owner;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.leadscore.routing.domain.policy.PolicyError;
import io.leadscore.routing.domain.policy.PolicyParser;

/** Field checks shared by the rep and team endpoints; every problem is listed with its field. */
final class OwnerValidation {

    static final int MAX_NAME = 128;

    private OwnerValidation() {
    }

    static void unknown(Map<String, Object> body, Set<String> allowed, List<PolicyError> errors, String hint) {
        for (String key : body.keySet()) {
            if (!allowed.contains(key)) {
                errors.add(new PolicyError(null, key, "unknown field (allowed: " + allowed.stream().sorted().toList()
                        + ")" + (hint == null ? "" : "; " + hint)));
            }
        }
    }

    static String name(Object v, List<PolicyError> errors) {
        if (!(v instanceof String s) || s.isBlank() || s.length() > MAX_NAME) {
            errors.add(new PolicyError(null, "name", "is required: a non-blank string of at most " + MAX_NAME
                    + " characters"));
            return null;
        }
        if (s.codePoints().anyMatch(Character::isISOControl)) {
            // NUL cannot be stored at all, and a name is one line in lists and alerts.
            errors.add(new PolicyError(null, "name", "must not contain control characters"));
            return null;
        }
        return s;
    }

    static String optionalId(Object v, String field, List<PolicyError> errors) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s) || !PolicyParser.ID.matcher(s).matches()) {
            errors.add(new PolicyError(null, field, "must be an id matching " + PolicyParser.ID.pattern() + ", not "
                    + (v instanceof String s ? "'" + s + "'" : PolicyParser.describe(v))));
            return null;
        }
        return s;
    }

    static Integer integer(Object v, String field, int min, int max, List<PolicyError> errors) {
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min
                || ((Number) v).longValue() > max) {
            errors.add(new PolicyError(null, field, "must be a whole number from " + min + " to " + max + ", not "
                    + (v instanceof Number ? v : PolicyParser.describe(v))));
            return null;
        }
        return ((Number) v).intValue();
    }

    static Boolean bool(Object v, String field, boolean fallback, List<PolicyError> errors) {
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean b)) {
            errors.add(new PolicyError(null, field, "must be true or false, not " + PolicyParser.describe(v)));
            return null;
        }
        return b;
    }
}
