package io.leadscore.routing.api;

import java.util.Map;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.leadscore.routing.domain.policy.PolicyParser;

/** Reads request bodies as plain JSON values, rejecting duplicate keys, so validators can name every bad field. */
public final class JsonBodies {

    /** The body as an object, or an error message. */
    public record Parsed(Map<String, Object> value, String error) {
    }

    private JsonBodies() {
    }

    public static ObjectMapper strict(ObjectMapper mapper) {
        return mapper.copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    @SuppressWarnings("unchecked")
    public static Parsed object(ObjectMapper strictMapper, String body) {
        if (body == null || body.isBlank()) {
            return new Parsed(null, "the body is empty; send a JSON object");
        }
        Object parsed;
        try {
            parsed = strictMapper.readValue(body, Object.class);
        } catch (JsonParseException e) {
            return new Parsed(null, "malformed JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (JsonProcessingException e) {
            return new Parsed(null, "malformed JSON: " + e.getOriginalMessage());
        }
        if (!(parsed instanceof Map)) {
            return new Parsed(null, "the body must be a JSON object, not " + PolicyParser.describe(parsed));
        }
        return new Parsed((Map<String, Object>) parsed, null);
    }
}
