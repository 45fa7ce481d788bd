package io.leadscore.scoring.engine.model;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown by {@link ModelParseResult#orElseThrow()} for a model that did not validate. */
public class InvalidModelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<ModelError> errors;

    public InvalidModelException(List<ModelError> errors) {
        super("invalid scoring model: " + errors.stream().map(ModelError::toString).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<ModelError> errors() {
        return errors;
    }
}
