package io.leadscore.ingest.events;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.leadscore.contracts.ContractsJson;
import io.leadscore.contracts.LeadEvent;
import io.leadscore.contracts.MessageHeaders;
import io.leadscore.ingest.IngestTestInfra;
import io.leadscore.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(IngestTestInfra.class)
class EventsResourceTest {

    static final String TOKEN = Tokens.token("acme", "ingest");

    static String event(String leadId, String extra) {
        return "{\"leadId\":\"" + leadId + "\",\"type\":\"page_view\"" + extra + "}";
    }

    static io.restassured.response.ValidatableResponse post(String body) {
        return given().auth().oauth2(TOKEN).contentType(ContentType.JSON).body(body)
                .when().post("/v1/events").then();
    }

    static LeadEvent parse(ConsumerRecord<String, String> r) {
        try {
            return ContractsJson.mapper().readValue(r.value(), LeadEvent.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void singleEventIsPublishedWithKeyHeadersAndEnvelopeBeforeTheAnswer() {
        String leadId = "lead-" + UUID.randomUUID();
        post("{\"eventId\":\"e-" + leadId + "\",\"leadId\":\"" + leadId + "\",\"type\":\"page_view\","
                + "\"occurredAt\":\"2026-11-01T10:00:00+01:00\",\"properties\":{\"url\":\"https://example.com/pricing\","
                + "\"tags\":[\"a\",1,true]}}")
                .statusCode(202).body("accepted", equalTo(1)).body("duplicates", equalTo(0));

        var records = PublishedEvents.readUntil(r -> r.key().equals("acme/" + leadId), r -> true);
        var record = records.get(0);
        LeadEvent e = parse(record);
        assertEquals(1, e.schemaVersion());
        assertEquals("acme", e.tenant());
        assertEquals("e-" + leadId, e.eventId());
        assertEquals("page_view", e.type());
        assertEquals(Instant.parse("2026-11-01T09:00:00Z"), e.occurredAt());
        assertNotNull(e.receivedAt());
        assertEquals("https://example.com/pricing", e.properties().get("url"));
        assertEquals(List.of("a", 1, true), e.properties().get("tags"));
        assertNull(e.attributes());
        assertNotNull(record.headers().lastHeader(MessageHeaders.TRACEPARENT), "W3C trace context travels along");
        assertEquals("1", new String(record.headers().lastHeader(MessageHeaders.SCHEMA_VERSION).value(),
                StandardCharsets.UTF_8));
    }

    @Test
    void batchIsPublishedAndMissingIdsAndTimesAreFilledIn() {
        String leadId = "lead-" + UUID.randomUUID();
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        post("{\"events\":[" + event(leadId, "") + ","
                + "{\"leadId\":\"" + leadId + "\",\"type\":\"profile_updated\",\"attributes\":{\"jobTitle\":\"VP Sales\","
                + "\"companySize\":250,\"country\":null}}," + event(leadId, ",\"eventId\":\"last-" + leadId + "\"") + "]}")
                .statusCode(202).body("accepted", equalTo(3));

        var records = PublishedEvents.readUntil(r -> r.key().equals("acme/" + leadId),
                r -> parse(r).eventId().equals("last-" + leadId));
        assertEquals(3, records.size());
        LeadEvent first = parse(records.get(0));
        assertNotNull(first.eventId(), "a missing eventId is generated");
        assertTrue(!first.occurredAt().isBefore(before), "a missing occurredAt defaults to the time received");
        LeadEvent profile = parse(records.get(1));
        assertEquals("VP Sales", profile.attributes().get("jobTitle"));
        assertTrue(profile.attributes().containsKey("country") && profile.attributes().get("country") == null,
                "null removes an attribute and is kept as null");
    }

    @Test
    void theRequestsTraceTravelsWithEveryEventOfABatch() {
        String leadId = "lead-" + UUID.randomUUID();
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        given().auth().oauth2(TOKEN).contentType(ContentType.JSON)
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .body("{\"events\":[" + event(leadId, "") + "," + event(leadId, ",\"eventId\":\"last-" + leadId + "\"")
                        + "]}")
                .when().post("/v1/events").then().statusCode(202).body("accepted", equalTo(2));

        var records = PublishedEvents.readUntil(r -> r.key().equals("acme/" + leadId),
                r -> parse(r).eventId().equals("last-" + leadId));
        assertEquals(2, records.size());
        for (var record : records) {
            String traceparent = new String(record.headers().lastHeader(MessageHeaders.TRACEPARENT).value(),
                    StandardCharsets.UTF_8);
            assertTrue(traceparent.startsWith("00-" + traceId + "-"), "same trace as the request: " + traceparent);
        }
    }

    @Test
    void resentEventIdsAreCountedAsDuplicatesAndPublishedOnce() {
        String leadId = "lead-" + UUID.randomUUID();
        String body = event(leadId, ",\"eventId\":\"dup-" + leadId + "\"");
        post(body).statusCode(202).body("accepted", equalTo(1)).body("duplicates", equalTo(0));
        post(body).statusCode(202).body("accepted", equalTo(0)).body("duplicates", equalTo(1));
        post("{\"events\":[" + event(leadId, ",\"eventId\":\"x-" + leadId + "\"") + ","
                + event(leadId, ",\"eventId\":\"x-" + leadId + "\"") + "]}")
                .statusCode(202).body("accepted", equalTo(1)).body("duplicates", equalTo(1));
        post(event(leadId, ",\"eventId\":\"sentinel-" + leadId + "\"")).statusCode(202);

        var records = PublishedEvents.readUntil(r -> r.key().equals("acme/" + leadId),
                r -> parse(r).eventId().equals("sentinel-" + leadId));
        assertEquals(List.of("dup-" + leadId, "x-" + leadId, "sentinel-" + leadId),
                records.stream().map(r -> parse(r).eventId()).toList());
    }

    @Test
    void injectionLookingAndUnicodeValuesAreStoredVerbatim() {
        String leadId = "lead-ü-日本-" + UUID.randomUUID();
        String sql = "'; DROP TABLE lead_event; --";
        String html = "<script>alert(1)</script>";
        post("{\"leadId\":\"" + leadId + "\",\"type\":\"form_fill\",\"properties\":{\"name\":\"" + sql
                + "\",\"comment\":\"" + html + "\",\"emoji\":\"🚀\",\"tab\":\"a\\tb\"}}")
                .statusCode(202);

        LeadEvent e = parse(PublishedEvents.readUntil(r -> r.key().equals("acme/" + leadId), r -> true).get(0));
        assertEquals(leadId, e.leadId());
        assertEquals(sql, e.properties().get("name"));
        assertEquals(html, e.properties().get("comment"));
        assertEquals("🚀", e.properties().get("emoji"));
        assertEquals("a\tb", e.properties().get("tab"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed JSON                | {"leadId": "L", "type": | ''                 | malformed JSON
            duplicate key                 | {"leadId":"L","leadId":"M","type":"page_view"} | '' | malformed JSON
            not an object                 | [1,2]                                         | '' | must be one event object
            empty body                    | ''                                            | '' | empty
            missing leadId                | {"type":"page_view"}                          | leadId | is required
            leadId not a string           | {"leadId":42,"type":"page_view"}              | leadId | must be a string
            blank leadId                  | {"leadId":"  ","type":"page_view"}            | leadId | blank
            control character in leadId  | {"leadId":"a\\u0007b","type":"page_view"}     | leadId | control characters
            missing type                  | {"leadId":"L"}                                | type | is required
            bad type                      | {"leadId":"L","type":"Page View"}             | type | must match
            bad occurredAt                | {"leadId":"L","type":"page_view","occurredAt":"yesterday"} | occurredAt | ISO-8601
            occurredAt as number          | {"leadId":"L","type":"page_view","occurredAt":1700000000} | occurredAt | ISO-8601
            future occurredAt             | {"leadId":"L","type":"page_view","occurredAt":"2999-01-01T00:00:00Z"} | occurredAt | in the future
            occurredAt before 1970        | {"leadId":"L","type":"page_view","occurredAt":"1969-12-31T23:59:59Z"} | occurredAt | before 1970-01-01T00:00:00Z
            half an emoji in leadId       | {"leadId":"ab\\ud83d","type":"page_view"}    | leadId | unpaired UTF-16 surrogate
            lone low surrogate in eventId | {"eventId":"\\ude80x","leadId":"L","type":"page_view"} | eventId | unpaired UTF-16 surrogate
            half an emoji in a property   | {"leadId":"L","type":"page_view","properties":{"a":"ab\\ud83d"}} | properties.a | unpaired UTF-16 surrogate
            half an emoji in an array     | {"leadId":"L","type":"page_view","properties":{"a":["ok","\\ud83d"]}} | properties.a[] | unpaired UTF-16 surrogate
            half an emoji in an attribute | {"leadId":"L","type":"profile_updated","attributes":{"name":"\\ud83dab"}} | attributes.name | unpaired UTF-16 surrogate
            a second event after the first | {"leadId":"L","type":"a"}{"leadId":"M","type":"b"} | '' | unexpected content after the end of the JSON value
            garbage after the event       | {"leadId":"L","type":"page_view"}]garbage      | '' | malformed JSON
            a second batch after the first | {"events":[{"leadId":"L","type":"a"}]} {"events":[]} | '' | unexpected content after the end
            a value after an array        | [1] 2                                         | '' | unexpected content after the end
            unknown field                 | {"leadId":"L","type":"page_view","tenant":"other"} | tenant | unknown field
            properties not an object      | {"leadId":"L","type":"page_view","properties":[1]} | properties | must be an object
            nested object property        | {"leadId":"L","type":"page_view","properties":{"a":{"b":1}}} | properties.a | not an object
            null property                 | {"leadId":"L","type":"page_view","properties":{"a":null}} | properties.a | must not be null
            NUL in a value                | {"leadId":"L","type":"page_view","properties":{"a":"x\\u0000y"}} | properties.a | NUL
            attributes on a page view     | {"leadId":"L","type":"page_view","attributes":{"a":1}} | attributes | only allowed
            profile without attributes    | {"leadId":"L","type":"profile_updated"}       | attributes | needs an attributes object
            events not an array           | {"events":{}}                                 | events | must be an array
            empty batch                   | {"events":[]}                                 | events | 1 to 1000
            extra field beside events     | {"events":[{"leadId":"L","type":"x"}],"more":1} | more | unknown field
            """)
    void badInputIsRejectedWithAPreciseError(String name, String body, String field, String message) {
        var response = post(body.replace("\\\\", "\\")).statusCode(400).body("errors.message",
                hasItem(containsString(message)));
        if (!field.isEmpty()) {
            response.body("errors.field", hasItem(equalTo(field)));
        }
    }

    @Test
    void halfAnEmojiInAKeyIsRejectedWithItsEventAndFieldAndAWholeOneIsStored() {
        // The parser itself refuses such a key (it has no UTF-8 form); the answer still names the event and field.
        post(event("L", ",\"properties\":{\"ok\":1,\"k\\ud83d\":1}")).statusCode(400)
                .body("errors[0].index", equalTo(0)).body("errors[0].field", equalTo("properties"))
                .body("errors[0].message", containsString("surrogate"));
        post("{\"events\":[" + event("L", "") + ",{\"leadId\":\"L\",\"type\":\"profile_updated\","
                + "\"attributes\":{\"\\ude80\":1}}]}").statusCode(400)
                .body("errors[0].index", equalTo(1)).body("errors[0].field", equalTo("attributes"))
                .body("errors[0].message", containsString("surrogate"));
        // The two halves in the wrong order are two unpaired surrogates.
        post(event("L", ",\"properties\":{\"a\":\"\\ude80\\ud83d\"}")).statusCode(400)
                .body("errors[0].field", equalTo("properties.a"));

        String leadId = "lead-" + UUID.randomUUID();
        post(event(leadId, ",\"properties\":{\"\\ud83d\\ude80\":\"a\\ud83d\\ude80\"}")).statusCode(202);
        LeadEvent e = parse(PublishedEvents.readUntil(r -> r.key().equals("acme/" + leadId), r -> true).get(0));
        assertEquals("a🚀", e.properties().get("🚀"));
    }

    @Test
    void everyProblemOfABatchIsListedAndNothingOfItIsPublished() {
        String leadId = "lead-" + UUID.randomUUID();
        post("{\"events\":[" + event(leadId, ",\"eventId\":\"good-" + leadId + "\"") + ","
                + "{\"leadId\":\"" + leadId + "\",\"type\":\"Bad Type\"},"
                + "{\"leadId\":\"" + leadId + "\",\"type\":\"page_view\",\"occurredAt\":\"nope\"}]}")
                .statusCode(400)
                .body("errors.size()", equalTo(2))
                .body("errors[0].index", equalTo(1)).body("errors[0].field", equalTo("type"))
                .body("errors[1].index", equalTo(2)).body("errors[1].field", equalTo("occurredAt"));
        post(event(leadId, ",\"eventId\":\"sentinel-" + leadId + "\"")).statusCode(202);

        var records = PublishedEvents.readUntil(r -> r.key().equals("acme/" + leadId),
                r -> parse(r).eventId().equals("sentinel-" + leadId));
        assertEquals(1, records.size(), "only the sentinel was published");
    }

    @Test
    void tooManyEventsOversizeFieldsAndEventsAreRejected() {
        String many = IntStream.range(0, 1001).mapToObj(i -> event("L" + i, "")).collect(Collectors.joining(",",
                "{\"events\":[", "]}"));
        post(many).statusCode(400).body("errors[0].message", containsString("1 to 1000"));
        post(event("x".repeat(257), "")).statusCode(400).body("errors[0].field", equalTo("leadId"));
        post(event("L", ",\"eventId\":\"" + "e".repeat(129) + "\"")).statusCode(400)
                .body("errors[0].field", equalTo("eventId"));
        String bigValue = "v".repeat(9000);
        post(event("L", ",\"properties\":{\"big\":\"" + bigValue + "\"}")).statusCode(400)
                .body("errors[0].message", containsString("bytes; the limit is 8192"));
        String manyKeys = IntStream.range(0, 65).mapToObj(i -> "\"k" + i + "\":1").collect(Collectors.joining(","));
        post(event("L", ",\"properties\":{" + manyKeys + "}")).statusCode(400)
                .body("errors[0].message", containsString("65 keys; the limit is 64"));
    }

    @Test
    void oversizeBodyGets413AndNonJsonGets415() {
        String padding = "x".repeat(1024 * 1024);
        given().auth().oauth2(TOKEN).contentType(ContentType.JSON).body(event("L", ",\"p\":\"" + padding + "\""))
                .when().post("/v1/events").then().statusCode(413).body("errors[0].message", containsString("limit"))
                // Rejected from the Content-Length alone, before the body is read (the connection is not reused).
                .header("Connection", "close");
        given().auth().oauth2(TOKEN).contentType(ContentType.TEXT).body("leadId=L")
                .when().post("/v1/events").then().statusCode(415);
    }

    @Test
    void aBatchLargerThanTheTenantsWholeBurstGets413SayingHowToSplitIt() {
        String slow = Tokens.token("slowco", "ingest");
        String six = batchOf(6);
        given().auth().oauth2(slow).contentType(ContentType.JSON).body(six).when().post("/v1/events")
                .then().statusCode(413).header("Retry-After", nullValue())
                .body("errors[0].field", equalTo("events"))
                .body("errors[0].message", containsString("the batch has 6 events, more than this tenant's burst of 5"))
                .body("errors[0].message", containsString("split it into batches of at most 5"));
    }

    /** A batch of {@code n} events of leads L0, L1, … */
    private static String batchOf(int n) {
        return IntStream.range(0, n).mapToObj(i -> event("L" + i, "")).collect(Collectors.joining(",",
                "{\"events\":[", "]}"));
    }

    @Test
    void tenantOverItsRateGets429WithRetryAfter() {
        String slow = Tokens.token("slowco", "ingest");
        String batch = batchOf(5);
        given().auth().oauth2(slow).contentType(ContentType.JSON).body(batch).when().post("/v1/events")
                .then().statusCode(202);
        given().auth().oauth2(slow).contentType(ContentType.JSON).body(batch).when().post("/v1/events")
                .then().statusCode(429).header("Retry-After", notNullValue())
                .body("errors[0].message", containsString("rate limit"));
        // Another tenant is not affected by slowco's limit.
        post(event("L", "")).statusCode(202);
    }
}
