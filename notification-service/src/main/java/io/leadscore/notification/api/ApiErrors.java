package io.leadscore.notification.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;

import io.leadscore.notification.domain.ContactValidator.FieldError;

/** The error body every endpoint uses: {@code {"errors": [{"field"?, "message"}]}}. */
public final class ApiErrors {

    private ApiErrors() {
    }

    public static Response badRequest(String field, String message) {
        return badRequest(List.of(new FieldError(field, message)));
    }

    public static Response badRequest(List<FieldError> errors) {
        return Response.status(400).entity(Map.of("errors", errors.stream().map(ApiErrors::error).toList())).build();
    }

    public static Response notFound(String message) {
        return Response.status(404).entity(Map.of("errors", List.of(error(new FieldError(null, message))))).build();
    }

    public static Response forbidden(String message) {
        return Response.status(403).type(jakarta.ws.rs.core.MediaType.APPLICATION_JSON)
                .entity(Map.of("errors", List.of(error(new FieldError(null, message))))).build();
    }

    private static Map<String, Object> error(FieldError e) {
        Map<String, Object> error = new LinkedHashMap<>();
        if (e.field() != null) {
            error.put("field", e.field());
        }
        error.put("message", e.message());
        return error;
    }
}
