package io.leadscore.routing.api;

/** The caller's token may not do this to this resource, e.g. a rep's token on another rep's lead (answered with 403). */
public class Forbidden extends RuntimeException {

    public Forbidden(String message) {
        super(message);
    }
}
