package io.leadscore.routing.domain.owner;

import java.util.List;
import java.util.Map;

import io.leadscore.routing.domain.policy.AttributeCondition;

/**
 * A sales team. Teams are tried in {@code priority} order (lower first, then by id); a team takes a lead when all its
 * territory rules match the lead's profile (a team without rules takes every lead). When none matches, the default
 * team takes it.
 */
public record Team(String teamId, String name, String managerRepId, List<AttributeCondition> territory, int priority,
        boolean isDefault) {

    public boolean covers(Map<String, Object> attributes) {
        return territory.stream().allMatch(c -> c.matches(attributes));
    }
}
