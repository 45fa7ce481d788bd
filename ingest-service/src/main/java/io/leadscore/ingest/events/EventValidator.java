package io.leadscore.ingest.events;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;

import io.leadscore.contracts.LeadEvent;

/**
 * Checks submitted events against the public contract and lists every problem at once. Pure: the instant "now" is a
 * parameter, nothing is looked up.
 */
public final class EventValidator {

    static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_.]{0,63}");
    static final Set<String> FIELDS = Set.of("eventId", "leadId", "type", "occurredAt", "properties", "attributes");
    static final int MAX_EVENT_ID = 128;
    static final int MAX_LEAD_ID = 256;
    static final int MAX_KEY_LENGTH = 128;

    private final IngestLimits limits;

    public EventValidator(IngestLimits limits) {
        this.limits = limits;
    }

    /** A valid event: {@code eventId} may still be null (the caller generates one). */
    public record ValidEvent(String eventId, String leadId, String type, Instant occurredAt,
            Map<String, Object> properties, Map<String, Object> attributes) {
    }

    /**
     * Validates one event node; problems are added to {@code problems} under {@code index}. {@code sizeBytes} is the
     * event's size as sent (its bytes in the request body, or its NDJSON line).
     */
    public ValidEvent validate(JsonNode node, int index, Instant now, long sizeBytes, List<EventProblem> problems) {
        int before = problems.size();
        if (node == null || !node.isObject()) {
            problems.add(new EventProblem(index, "", "an event must be a JSON object"));
            return null;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                problems.add(new EventProblem(index, name, "unknown field (allowed: eventId, leadId, type, occurredAt, "
                        + "properties, attributes)"));
            }
        }
        String eventId = optionalId(node, "eventId", MAX_EVENT_ID, index, problems);
        String leadId = requiredId(node, "leadId", MAX_LEAD_ID, index, problems);
        String type = type(node, index, problems);
        Instant occurredAt = occurredAt(node, index, now, problems);
        Map<String, Object> properties = map(node.get("properties"), "properties", false, index, problems);
        Map<String, Object> attributes = null;
        JsonNode attributesNode = node.get("attributes");
        if (attributesNode != null && !attributesNode.isNull()) {
            if (type != null && !LeadEvent.PROFILE_UPDATED.equals(type)) {
                problems.add(new EventProblem(index, "attributes", "attributes are only allowed on '"
                        + LeadEvent.PROFILE_UPDATED + "' events"));
            } else {
                attributes = map(attributesNode, "attributes", true, index, problems);
            }
        } else if (LeadEvent.PROFILE_UPDATED.equals(type)) {
            problems.add(new EventProblem(index, "attributes", "a '" + LeadEvent.PROFILE_UPDATED
                    + "' event needs an attributes object"));
        }
        if (sizeBytes > limits.maxEventBytes()) {
            problems.add(new EventProblem(index, "", "event is " + sizeBytes + " bytes; the limit is "
                    + limits.maxEventBytes()));
        }
        if (problems.size() > before) {
            return null;
        }
        return new ValidEvent(eventId, leadId, type, occurredAt == null ? now : occurredAt,
                properties == null ? Map.of() : properties, attributes);
    }

    private String optionalId(JsonNode node, String field, int max, int index, List<EventProblem> problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        return id(value, field, max, index, problems);
    }

    private String requiredId(JsonNode node, String field, int max, int index, List<EventProblem> problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            problems.add(new EventProblem(index, field, "is required"));
            return null;
        }
        return id(value, field, max, index, problems);
    }

    private String id(JsonNode value, String field, int max, int index, List<EventProblem> problems) {
        if (!value.isTextual()) {
            problems.add(new EventProblem(index, field, "must be a string, not " + describe(value)));
            return null;
        }
        String text = value.textValue();
        if (text.isBlank()) {
            problems.add(new EventProblem(index, field, "must not be blank"));
        } else if (text.codePointCount(0, text.length()) > max) {
            problems.add(new EventProblem(index, field, "must be at most " + max + " characters"));
        } else if (hasControlCharacter(text)) {
            problems.add(new EventProblem(index, field, "must not contain control characters"));
        } else if (unpairedSurrogate(text) >= 0) {
            problems.add(new EventProblem(index, field, "must not contain " + describeSurrogate(text)));
        } else {
            return text;
        }
        return null;
    }

    private String type(JsonNode node, int index, List<EventProblem> problems) {
        JsonNode value = node.get("type");
        if (value == null || value.isNull()) {
            problems.add(new EventProblem(index, "type", "is required"));
        } else if (!value.isTextual()) {
            problems.add(new EventProblem(index, "type", "must be a string, not " + describe(value)));
        } else if (!isType(value.textValue())) {
            problems.add(new EventProblem(index, "type", "must match " + TYPE.pattern() + " (e.g. page_view)"));
        } else {
            return value.textValue();
        }
        return null;
    }

    /** Same as {@link #TYPE}{@code .matcher(text).matches()}, without a regex engine per event. */
    static boolean isType(String text) {
        int length = text.length();
        if (length == 0 || length > 64 || text.charAt(0) < 'a' || text.charAt(0) > 'z') {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private Instant occurredAt(JsonNode node, int index, Instant now, List<EventProblem> problems) {
        JsonNode value = node.get("occurredAt");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            problems.add(new EventProblem(index, "occurredAt", "must be an ISO-8601 instant string such as "
                    + "2026-11-24T10:15:30Z, not " + describe(value)));
            return null;
        }
        Instant instant;
        try {
            instant = java.time.OffsetDateTime.parse(value.textValue()).toInstant();
        } catch (DateTimeParseException e) {
            problems.add(new EventProblem(index, "occurredAt", "'" + value.textValue()
                    + "' is not an ISO-8601 instant with offset such as 2026-11-24T10:15:30Z"));
            return null;
        }
        if (instant.isBefore(Instant.EPOCH)) {
            // Almost always a zeroed or negative client timestamp rather than something a lead did.
            problems.add(new EventProblem(index, "occurredAt", "must not be before 1970-01-01T00:00:00Z"));
            return null;
        }
        if (instant.isAfter(now.plus(limits.maxFutureSkew()))) {
            problems.add(new EventProblem(index, "occurredAt", "is more than " + limits.maxFutureSkew().toMinutes()
                    + " minutes in the future"));
            return null;
        }
        return instant;
    }

    private Map<String, Object> map(JsonNode value, String field, boolean nullValuesAllowed, int index,
            List<EventProblem> problems) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            problems.add(new EventProblem(index, field, "must be an object, not " + describe(value)));
            return null;
        }
        if (value.size() > limits.maxKeys()) {
            problems.add(new EventProblem(index, field, "has " + value.size() + " keys; the limit is " + limits.maxKeys()));
            return null;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        boolean ok = true;
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext();) {
            var entry = it.next();
            String key = entry.getKey();
            String path = field + "." + key;
            if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || hasControlCharacter(key)) {
                problems.add(new EventProblem(index, path, "keys must be 1 to " + MAX_KEY_LENGTH
                        + " characters without control characters"));
                ok = false;
                continue;
            }
            if (unpairedSurrogate(key) >= 0) {
                problems.add(new EventProblem(index, path, "keys must not contain " + describeSurrogate(key)));
                ok = false;
                continue;
            }
            JsonNode v = entry.getValue();
            if (v.isNull()) {
                if (!nullValuesAllowed) {
                    problems.add(new EventProblem(index, path, "must not be null"));
                    ok = false;
                } else {
                    result.put(key, null);
                }
            } else if (v.isArray()) {
                List<Object> items = new ArrayList<>(v.size());
                for (JsonNode item : v) {
                    Object scalar = scalar(item, path + "[]", index, problems);
                    if (scalar == null) {
                        ok = false;
                    }
                    items.add(scalar);
                }
                result.put(key, items);
            } else {
                Object scalar = scalar(v, path, index, problems);
                if (scalar == null) {
                    ok = false;
                }
                result.put(key, scalar);
            }
        }
        return ok ? result : null;
    }

    private Object scalar(JsonNode v, String path, int index, List<EventProblem> problems) {
        switch (v.getNodeType()) {
            case STRING :
                if (v.textValue().indexOf('\u0000') >= 0) {
                    // PostgreSQL cannot store NUL in text or JSONB; reject rather than lose the event later.
                    problems.add(new EventProblem(index, path, "must not contain the NUL character"));
                    return null;
                }
                if (unpairedSurrogate(v.textValue()) >= 0) {
                    problems.add(new EventProblem(index, path, "must not contain " + describeSurrogate(v.textValue())));
                    return null;
                }
                return v.textValue();
            case NUMBER :
                return v.numberValue();
            case BOOLEAN :
                return v.booleanValue();
            default :
                problems.add(new EventProblem(index, path, "values must be strings, numbers, booleans or arrays of "
                        + "them, not " + describe(v)));
                return null;
        }
    }

    private static boolean hasControlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /**
     * Index of the first UTF-16 surrogate that is not half of a pair, or -1. JSON can carry one as an escape (JavaScript
     * produces it when it cuts a string inside an emoji), but it has no UTF-8 encoding, so PostgreSQL cannot store the
     * event and the scoring service would be stuck on it.
     */
    static int unpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    private static String describeSurrogate(String text) {
        int at = unpairedSurrogate(text);
        return String.format("an unpaired UTF-16 surrogate (\\u%04x at character %d, e.g. an emoji cut in half); it "
                + "cannot be stored", (int) text.charAt(at), at + 1);
    }

    static String describe(JsonNode node) {
        JsonNodeType type = node.getNodeType();
        return switch (type) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> type.name().toLowerCase();
        };
    }
}
