package io.leadscore.scoring.engine.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Awards {@code points} for each fact of type {@code eventType} whose properties satisfy every {@code where} condition,
 * at most {@code maxTimes} times (within any sliding {@code per} window, or over all time without one).
 *
 * @param maxTimes {@code null} when the rule is not capped
 * @param per {@code null} when the cap counts over all time
 * @param label for people; {@code null} means the id
 */
public record EventRule(String id, String eventType, List<Condition> where, double points, Integer maxTimes,
        Duration per, String label) implements Rule {

    /** A rule labelled by its id. */
    public EventRule(String id, String eventType, List<Condition> where, double points, Integer maxTimes,
            Duration per) {
        this(id, eventType, where, points, maxTimes, per, null);
    }

    public EventRule {
        Objects.requireNonNull(id, "id");
        label = label == null ? id : label;
        Objects.requireNonNull(eventType, "eventType");
        where = where == null ? List.of() : List.copyOf(where);
        if (maxTimes != null && maxTimes < 1) {
            throw new IllegalArgumentException("maxTimes must be at least 1");
        }
        if (per != null && maxTimes == null) {
            throw new IllegalArgumentException("per needs maxTimes");
        }
    }

    /** Type and conditions only; the cap is applied by the engine because it depends on earlier facts. */
    public boolean matches(String type, Map<String, ?> properties) {
        if (!eventType.equals(type)) {
            return false;
        }
        for (Condition condition : where) {
            if (!condition.holdsOn(properties)) {
                return false;
            }
        }
        return true;
    }
}
