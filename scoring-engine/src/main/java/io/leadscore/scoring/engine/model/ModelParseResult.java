package io.leadscore.scoring.engine.model;

import java.util.List;

/** Either a valid {@link ScoringModel} or every problem found in its definition. */
public sealed interface ModelParseResult permits ModelParseResult.Valid, ModelParseResult.Invalid {

    boolean isValid();

    /** Empty for a valid model, never empty otherwise. */
    List<ModelError> errors();

    /** The model, or {@link InvalidModelException} listing every error. */
    ScoringModel orElseThrow();

    record Valid(ScoringModel model) implements ModelParseResult {

        @Override
        public boolean isValid() {
            return true;
        }

        @Override
        public List<ModelError> errors() {
            return List.of();
        }

        @Override
        public ScoringModel orElseThrow() {
            return model;
        }
    }

    record Invalid(List<ModelError> errors) implements ModelParseResult {

        public Invalid {
            if (errors.isEmpty()) {
                throw new IllegalArgumentException("an invalid model has at least one error");
            }
            errors = List.copyOf(errors);
        }

        @Override
        public boolean isValid() {
            return false;
        }

        @Override
        public ScoringModel orElseThrow() {
            throw new InvalidModelException(errors);
        }
    }
}
