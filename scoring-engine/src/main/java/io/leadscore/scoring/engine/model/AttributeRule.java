package io.leadscore.scoring.engine.model;

import java.util.Map;
import java.util.Objects;

/** Awards {@code points} while the lead's profile satisfies {@code condition}. Profile points do not decay. */
public record AttributeRule(String id, Condition condition, double points) implements Rule {

    public AttributeRule {
        Objects.requireNonNull(id, "id");
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
