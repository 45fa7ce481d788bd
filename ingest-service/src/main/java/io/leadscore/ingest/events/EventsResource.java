package io.leadscore.ingest.events;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.leadscore.ingest.ratelimit.TenantRateLimiter;
import io.leadscore.security.Roles;
import io.leadscore.security.TenantContext;
import io.smallrye.mutiny.Uni;

@Path("/v1/events")
@RolesAllowed(Roles.INGEST)
public class EventsResource {

    private static final Logger LOG = Logger.getLogger(EventsResource.class);
    private static final String TRAILING_HINT = "send one event, or several as {\"events\": [...]}";

    private final TenantContext tenantContext;
    private final EventValidator validator;
    private final EventIngestion ingestion;
    private final TenantRateLimiter rateLimiter;
    private final IngestLimits limits;
    private final ObjectMapper strictMapper;

    public EventsResource(TenantContext tenantContext, IngestLimits limits, EventIngestion ingestion,
            TenantRateLimiter rateLimiter, ObjectMapper mapper) {
        this.tenantContext = tenantContext;
        this.limits = limits;
        this.validator = new EventValidator(limits);
        this.ingestion = ingestion;
        this.rateLimiter = rateLimiter;
        this.strictMapper = StrictJson.mapper(mapper);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send one event, or up to 1,000 as {\"events\": [...]}", description = "Answers 202 once Kafka "
            + "has acknowledged every accepted event. The whole request is rejected (400, every problem listed) if any "
            + "event is invalid. Resent event ids within 24 h are counted as duplicates and not published again.")
    @RequestBody(description = "One event or {\"events\": [...]}")
    public Uni<Response> ingest(byte[] body) {
        String tenant = tenantContext.tenant();
        if (body.length > limits.maxBodyBytes()) {
            return Uni.createFrom().item(Response.status(413)
                    .entity(ErrorResponse.of("body is " + body.length + " bytes; the limit is " + limits.maxBodyBytes()
                            + " (use POST /v1/events/bulk for large imports)"))
                    .build());
        }
        Instant now = Instant.now();
        List<EventProblem> problems = new ArrayList<>();
        List<EventValidator.ValidEvent> events = parse(body, now, problems);
        if (!problems.isEmpty()) {
            return Uni.createFrom().item(Response.status(400).entity(new ErrorResponse(problems)).build());
        }
        long burst = rateLimiter.burst(tenant);
        if (events.size() > burst) {
            return Uni.createFrom().item(Response.status(413).entity(new ErrorResponse(List.of(new EventProblem(null,
                    "events", "the batch has " + events.size() + " events, more than this tenant's burst of " + burst
                            + " events (its rate limit allows no more at once); split it into batches of at most "
                            + burst))))
                    .build());
        }
        long retryAfter = rateLimiter.tryAcquire(tenant, events.size());
        if (retryAfter > 0) {
            return Uni.createFrom().item(Response.status(429).header("Retry-After", retryAfter)
                    .entity(ErrorResponse.of("tenant rate limit exceeded; retry after " + retryAfter + " s"))
                    .build());
        }
        return ingestion.ingest(tenant, events, now)
                .map(result -> Response.accepted(result).build())
                .onFailure().recoverWithItem(failure -> {
                    LOG.errorf(failure, "Publishing to Kafka failed for tenant %s", tenant);
                    return Response.status(503).header("Retry-After", 1)
                            .entity(ErrorResponse.of("events could not be stored; retry the same request (events "
                                    + "already accepted will be counted as duplicates)"))
                            .build();
                });
    }

    private List<EventValidator.ValidEvent> parse(byte[] body, Instant now, List<EventProblem> problems) {
        Body parsed;
        try {
            parsed = read(body);
        } catch (JsonParseException e) {
            problems.add(malformed(e));
            return List.of();
        } catch (IOException e) {
            problems.add(new EventProblem(null, null, "malformed JSON: " + e.getMessage()));
            return List.of();
        }
        JsonNode root = parsed.root();
        if (root == null || root.isMissingNode()) {
            problems.add(new EventProblem(null, null, "the body is empty; send one event or {\"events\": [...]}"));
            return List.of();
        }
        if (!root.isObject()) {
            problems.add(new EventProblem(null, null, "the body must be one event object or {\"events\": [...]}, not "
                    + EventValidator.describe(root)));
            return List.of();
        }
        List<EventValidator.ValidEvent> events = new ArrayList<>();
        if (!root.has("events")) {
            EventValidator.ValidEvent e = validator.validate(root, 0, now, parsed.rootBytes(), problems);
            if (e != null) {
                events.add(e);
            }
            return events;
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!name.equals("events")) {
                problems.add(new EventProblem(null, name, "unknown field; a batch is {\"events\": [...]} only"));
            }
        }
        JsonNode array = root.get("events");
        if (!array.isArray()) {
            problems.add(new EventProblem(null, "events", "must be an array, not " + EventValidator.describe(array)));
            return events;
        }
        if (array.isEmpty() || array.size() > limits.maxEventsPerRequest()) {
            problems.add(new EventProblem(null, "events", "must hold 1 to " + limits.maxEventsPerRequest()
                    + " events, not " + array.size()));
            return events;
        }
        for (int i = 0; i < array.size(); i++) {
            EventValidator.ValidEvent e = validator.validate(array.get(i), i, now, parsed.eventBytes()[i], problems);
            if (e != null) {
                events.add(e);
            }
        }
        return events;
    }

    /**
     * A parse error, with the event (its index in a batch) and the event's field it lies in when the parser was inside
     * one: some problems are only seen by the parser, such as half an emoji in a key, which has no UTF-8 encoding.
     */
    private static EventProblem malformed(JsonParseException e) {
        String message = "malformed JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
                + ", column " + e.getLocation().getColumnNr();
        JsonParser parser = e.getProcessor();
        if (parser == null || parser.getParsingContext() == null) {
            return new EventProblem(null, null, message);
        }
        // Where the parser stood, outermost first; the innermost container's own entry may be the broken one, so only
        // the containers around it are named.
        List<Object> path = new ArrayList<>();
        for (JsonStreamContext c = parser.getParsingContext().getParent(); c != null && !c.inRoot(); c = c.getParent()) {
            path.add(0, c.inArray() ? (Object) c.getCurrentIndex() : c.getCurrentName());
        }
        JsonStreamContext top = parser.getParsingContext();
        while (top.getParent() != null && !top.getParent().inRoot()) {
            top = top.getParent();
        }
        if (!top.inObject()) {
            return new EventProblem(null, null, message);
        }
        boolean batch = !path.isEmpty() && "events".equals(path.get(0));
        if (!batch) {
            return path.isEmpty()
                    ? new EventProblem(null, null, message)
                    : new EventProblem(0, String.valueOf(path.get(0)), message);
        }
        if (path.size() < 2 || !(path.get(1) instanceof Integer index)) {
            return new EventProblem(null, "events", message);
        }
        return new EventProblem(index, path.size() < 3 ? null : String.valueOf(path.get(2)), message);
    }

    /** The body's tree, and the bytes each event took in it (the per-event size limit is on the event as sent). */
    private record Body(JsonNode root, long rootBytes, long[] eventBytes) {
    }

    /**
     * Reads the body like {@code readTree}, except that the elements of a top-level {@code events} array are read one
     * by one to note where each starts and ends (measuring them afterwards meant serialising every event again).
     */
    private Body read(byte[] body) throws IOException {
        try (JsonParser parser = strictMapper.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                JsonNode root = first == null ? null : strictMapper.readTree(parser);
                StrictJson.requireEnd(parser, TRAILING_HINT);
                return new Body(root, body.length, new long[0]);
            }
            long rootStart = parser.currentTokenLocation().getByteOffset();
            ObjectNode root = strictMapper.getNodeFactory().objectNode();
            long[] eventBytes = new long[0];
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                if (parser.nextToken() == JsonToken.START_ARRAY && name.equals("events")) {
                    ArrayNode events = root.putArray(name);
                    eventBytes = new long[16];
                    for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
                        long start = parser.currentTokenLocation().getByteOffset();
                        events.add((JsonNode) strictMapper.readTree(parser));
                        if (events.size() > eventBytes.length) {
                            eventBytes = Arrays.copyOf(eventBytes, eventBytes.length * 2);
                        }
                        eventBytes[events.size() - 1] = parser.currentLocation().getByteOffset() - start;
                    }
                } else {
                    root.set(name, (JsonNode) strictMapper.readTree(parser));
                }
            }
            long rootBytes = parser.currentLocation().getByteOffset() - rootStart;
            StrictJson.requireEnd(parser, TRAILING_HINT);
            return new Body(root, rootBytes, eventBytes);
        }
    }
}
