package io.leadscore.ingest.imports;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.leadscore.ingest.IngestTestInfra;
import io.leadscore.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(IngestTestInfra.class)
class BulkImportTest {

    static final String TOKEN = Tokens.token("acme", "ingest", "read");

    @Test
    void invalidLinesAreReportedByLineNumberAndSkipped() {
        String lead = "bulk-" + UUID.randomUUID();
        String body = String.join("\n",
                "{\"leadId\":\"" + lead + "\",\"type\":\"page_view\"}",
                "{\"leadId\":\"" + lead + "\",\"type\":",
                "{\"leadId\":\"" + lead + "\",\"type\":\"email_open\"}",
                "{\"leadId\":\"" + lead + "\",\"type\":\"Bad\"}",
                "",
                "{\"leadId\":\"" + lead + "\",\"type\":\"email_click\",\"p\":\"" + "x".repeat(9000) + "\"}",
                "{\"leadId\":\"" + lead + "\",\"type\":\"demo_request\"}") + "\n";
        String importId = "imp-" + UUID.randomUUID();

        given().auth().oauth2(TOKEN).contentType("application/x-ndjson").body(body.getBytes(StandardCharsets.UTF_8))
                .queryParam("importId", importId)
                .when().post("/v1/events/bulk")
                .then().statusCode(200)
                .body("importId", equalTo(importId))
                .body("status", equalTo("completed"))
                .body("lines", equalTo(6))
                .body("accepted", equalTo(3))
                .body("rejected", equalTo(3))
                .body("errors.index", hasItem(2)).body("errors.index", hasItem(4)).body("errors.index", hasItem(6))
                .body("errors.find { it.index == 6 }.message", containsString("limit is 8192"));

        given().auth().oauth2(TOKEN).when().get("/v1/imports/" + importId)
                .then().statusCode(200).body("status", equalTo("completed")).body("accepted", equalTo(3));
        // Another tenant cannot see it, and cannot reuse its id.
        given().auth().oauth2(Tokens.token("globex", "read")).when().get("/v1/imports/" + importId)
                .then().statusCode(404);
        given().auth().oauth2(Tokens.token("globex", "ingest")).contentType("application/x-ndjson")
                .body(body.getBytes(StandardCharsets.UTF_8))
                .queryParam("importId", importId).when().post("/v1/events/bulk").then().statusCode(409);
    }

    @Test
    void linesThatCannotBeStoredOrThatHideASecondValueAreRejectedWhole() {
        String lead = "bulk-strict-" + UUID.randomUUID();
        String event = "{\"leadId\":\"" + lead + "\",\"type\":\"page_view\"}";
        String body = String.join("\n",
                event,
                "{\"leadId\":\"" + lead + "\\ud83d\",\"type\":\"page_view\"}",
                "{\"leadId\":\"" + lead + "\",\"type\":\"page_view\",\"properties\":{\"k\\ud83d\":1}}",
                "{\"leadId\":\"" + lead + "\",\"type\":\"page_view\",\"occurredAt\":\"1969-12-31T23:59:59Z\"}",
                event + event,
                event + "]garbage",
                "{\"leadId\":\"" + lead + "\",\"leadId\":\"other\",\"type\":\"page_view\"}",
                event) + "\n";

        given().auth().oauth2(TOKEN).contentType("application/x-ndjson").body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/events/bulk")
                .then().statusCode(200)
                .body("lines", equalTo(8)).body("accepted", equalTo(2)).body("rejected", equalTo(6))
                .body("errors.find { it.index == 2 }.field", equalTo("leadId"))
                .body("errors.find { it.index == 2 }.message", containsString("unpaired UTF-16 surrogate"))
                .body("errors.find { it.index == 3 }.field", equalTo("properties.k\ud83d"))
                .body("errors.find { it.index == 4 }.field", equalTo("occurredAt"))
                .body("errors.find { it.index == 4 }.message", containsString("before 1970-01-01T00:00:00Z"))
                .body("errors.find { it.index == 5 }.message", containsString("unexpected content after the end"))
                .body("errors.find { it.index == 6 }.message", containsString("malformed JSON"))
                .body("errors.find { it.index == 7 }.message", containsString("Duplicate field 'leadId'"));
    }

    @Test
    void largeImportStreamsThroughAndResendsCountAsDuplicates() {
        int lines = 5_000;
        String lead = "bulk-big-" + UUID.randomUUID();
        given().auth().oauth2(TOKEN).contentType("application/x-ndjson").body(generated(lead, lines))
                .when().post("/v1/events/bulk")
                .then().statusCode(200).body("accepted", equalTo(lines)).body("rejected", equalTo(0));
        given().auth().oauth2(TOKEN).contentType("application/x-ndjson").body(generated(lead, 100))
                .when().post("/v1/events/bulk")
                .then().statusCode(200).body("accepted", equalTo(0)).body("duplicates", equalTo(100));
    }

    @Test
    void bulkNeedsTheIngestRoleAndNdjson() {
        given().auth().oauth2(Tokens.token("acme", "read")).contentType("application/x-ndjson")
                .body("{}\n".getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/events/bulk").then().statusCode(403);
        given().auth().oauth2(TOKEN).contentType("application/json").body("{}")
                .when().post("/v1/events/bulk").then().statusCode(415);
        given().auth().oauth2(TOKEN).contentType("application/x-ndjson").body("{}\n".getBytes(StandardCharsets.UTF_8))
                .queryParam("importId", "bad id!")
                .when().post("/v1/events/bulk").then().statusCode(400);
    }

    /** An NDJSON body produced on the fly, never held in memory whole. */
    static InputStream generated(String lead, int lines) {
        return new InputStream() {
            int line;
            byte[] current = new byte[0];
            int pos;

            @Override
            public int read() {
                if (pos == current.length) {
                    if (line == lines) {
                        return -1;
                    }
                    current = ("{\"eventId\":\"" + lead + "-" + line + "\",\"leadId\":\"" + lead + "-" + (line % 50)
                            + "\",\"type\":\"page_view\",\"properties\":{\"url\":\"https://example.com/p/" + line
                            + "\"}}\n").getBytes(StandardCharsets.UTF_8);
                    pos = 0;
                    line++;
                }
                return current[pos++] & 0xff;
            }
        };
    }
}
