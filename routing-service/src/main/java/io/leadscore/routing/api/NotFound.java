package io.leadscore.routing.api;

/** The named resource does not exist for the caller's tenant (answered with 404). */
public class NotFound extends RuntimeException {

    public NotFound(String message) {
        super(message);
    }
}
