package io.leadscore.scoring.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;

/** The error body every endpoint uses: {@code {"errors": [{"rule"?, "field"?, "message"}]}}. */
public final class ApiErrors {

    private ApiErrors() {
    }

    public static Response badRequest(String rule, String field, String message) {
        return status(400, rule, field, message);
    }

    public static Response notFound(String message) {
        return status(404, null, null, message);
    }

    public static Response status(int status, String rule, String field, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        if (rule != null) {
            error.put("rule", rule);
        }
        if (field != null) {
            error.put("field", field);
        }
        error.put("message", message);
        return Response.status(status).entity(Map.of("errors", List.of(error))).build();
    }
}
