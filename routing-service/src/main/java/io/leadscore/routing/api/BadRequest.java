package io.leadscore.routing.api;

/** A request that names something invalid (answered with 400 naming the field). */
public class BadRequest extends RuntimeException {

    private final String field;

    public BadRequest(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
