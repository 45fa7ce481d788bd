package io.leadscore.routing.domain;

/** A command that the lead's current state does not allow (answered with 409). */
public class RoutingRejected extends RuntimeException {

    public RoutingRejected(String message) {
        super(message);
    }
}
