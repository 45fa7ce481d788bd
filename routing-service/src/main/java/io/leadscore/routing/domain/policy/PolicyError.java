package io.leadscore.routing.domain.policy;

/** One precise problem with a submitted policy or team: which rule (if any), which field, what is wrong. */
public record PolicyError(String rule, String field, String message) {
}
