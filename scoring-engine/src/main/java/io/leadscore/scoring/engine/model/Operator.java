package io.leadscore.scoring.engine.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Condition operators, named as they are written in a model's JSON. */
public enum Operator {
    EQ("eq"), NEQ("neq"), IN("in"), CONTAINS("contains"), STARTS_WITH("startsWith"), MATCHES("matches"), GT("gt"), GTE(
            "gte"), LT("lt"), LTE("lte"), EXISTS("exists");

    /** For error messages: every name a model may use. */
    public static final String ALL_NAMES = Arrays.stream(values()).map(Operator::jsonName)
            .collect(Collectors.joining(", "));

    private final String jsonName;

    Operator(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    /** Exact, case-sensitive lookup: model JSON is machine-written more often than typed. */
    public static Optional<Operator> fromJsonName(String name) {
        for (Operator operator : values()) {
            if (operator.jsonName.equals(name)) {
                return Optional.of(operator);
            }
        }
        return Optional.empty();
    }

    public boolean isNumeric() {
        return this == GT || this == GTE || this == LT || this == LTE;
    }

    @Override
    public String toString() {
        return jsonName;
    }
}
