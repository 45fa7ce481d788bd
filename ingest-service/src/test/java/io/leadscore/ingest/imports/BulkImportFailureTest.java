package io.leadscore.ingest.imports;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.leadscore.ingest.IngestTestInfra;
import io.leadscore.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * An import whose publish fails tells the client where to resend from: the first line not known to be stored. The
 * broker really refuses a record here (the producer's request size is lowered so one large, otherwise valid event
 * cannot be sent).
 */
@QuarkusTest
@TestProfile(BulkImportFailureTest.SmallProducerRequests.class)
@WithTestResource(IngestTestInfra.class)
class BulkImportFailureTest {

    static final String TOKEN = Tokens.token("acme", "ingest", "read");
    static final String TOO_LARGE_FOR_KAFKA = "x".repeat(3000);

    public static class SmallProducerRequests implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.outgoing.lead-events.max.request.size", "2048");
        }
    }

    static String line(String lead, int n, String extra) {
        return "{\"eventId\":\"" + lead + "-" + n + "\",\"leadId\":\"" + lead + "\",\"type\":\"page_view\"" + extra
                + "}\n";
    }

    @Test
    void aFailedChunkIsResentFromItsFirstPhysicalLine() {
        String lead = "bulk-fail-" + UUID.randomUUID();
        var body = new StringBuilder();
        // Lines 1 to 1001 hold the first chunk's 1,000 events and one blank line; it is stored.
        body.append(line(lead, 1, "")).append("\n");
        for (int n = 3; n <= 1001; n++) {
            body.append(line(lead, n, ""));
        }
        // Line 1002 is blank; the chunk from line 1002 on fails, as line 1004 is too large for the producer.
        body.append("\n").append(line(lead, 1003, "")).append(line(lead, 1004, ",\"properties\":{\"big\":\""
                + TOO_LARGE_FOR_KAFKA + "\"}")).append(line(lead, 1005, ""));
        String importId = "imp-fail-" + UUID.randomUUID();
        String resume = "resend from line 1002 ";

        given().auth().oauth2(TOKEN).contentType("application/x-ndjson")
                .body(body.toString().getBytes(StandardCharsets.UTF_8)).queryParam("importId", importId)
                .when().post("/v1/events/bulk")
                .then().statusCode(503)
                .body("status", equalTo("failed"))
                .body("accepted", equalTo(1000))
                .body("errors.message", hasItem(containsString(resume)));
        given().auth().oauth2(TOKEN).when().get("/v1/imports/" + importId)
                .then().statusCode(200)
                .body("status", equalTo("failed"))
                .body("errors.message", hasItem(containsString(resume)));
    }
}
