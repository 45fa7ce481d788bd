package io.leadscore.routing.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;

import io.leadscore.routing.domain.policy.PolicyError;

/** The error body every endpoint uses: {@code {"errors": [{"rule"?, "field"?, "message"}]}}. */
public final class ApiErrors {

    private ApiErrors() {
    }

    public static Response badRequest(String field, String message) {
        return status(400, null, field, message);
    }

    public static Response badRequest(List<PolicyError> errors) {
        List<Map<String, Object>> list = errors.stream().map(e -> error(e.rule(), e.field(), e.message())).toList();
        return Response.status(400).entity(Map.of("errors", list)).build();
    }

    public static Response notFound(String message) {
        return status(404, null, null, message);
    }

    public static Response conflict(String field, String message) {
        return status(409, null, field, message);
    }

    public static Response status(int status, String rule, String field, String message) {
        return Response.status(status).entity(Map.of("errors", List.of(error(rule, field, message)))).build();
    }

    private static Map<String, Object> error(String rule, String field, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        if (rule != null) {
            error.put("rule", rule);
        }
        if (field != null) {
            error.put("field", field);
        }
        error.put("message", message);
        return error;
    }
}
