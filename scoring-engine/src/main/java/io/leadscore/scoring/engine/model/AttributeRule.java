package io.leadscore.scoring.engine.model;

import java.util.Map;
import java.util.Objects;

/**
 * Awards {@code points} while the lead's profile satisfies {@code condition}. Profile points do not decay.
 *
 * @param label for people; {@code null} means the id
 */
public record AttributeRule(String id, Condition condition, double points, String label) implements Rule {

    /** A rule labelled by its id. */
    public AttributeRule(String id, Condition condition, double points) {
        this(id, condition, points, null);
    }

    public AttributeRule {
        Objects.requireNonNull(id, "id");
        label = label == null ? id : label;
        Objects.requireNonNull(condition, "condition");
    }

    /** The profile field the condition reads. */
    public String attribute() {
        return condition.field();
    }

    public boolean holdsOn(Map<String, ?> profile) {
        return condition.holdsOn(profile);
    }
}
