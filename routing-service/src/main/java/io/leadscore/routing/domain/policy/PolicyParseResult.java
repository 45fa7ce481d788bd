package io.leadscore.routing.domain.policy;

import java.util.List;

/** Either a valid policy or every problem found. */
public record PolicyParseResult(RoutingPolicy policy, List<PolicyError> errors) {

    public boolean isValid() {
        return errors.isEmpty();
    }
}
