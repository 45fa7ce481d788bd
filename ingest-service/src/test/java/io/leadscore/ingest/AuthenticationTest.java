package io.leadscore.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.leadscore.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(IngestTestInfra.class)
class AuthenticationTest {

    static final String EVENT = "{\"leadId\":\"L\",\"type\":\"page_view\"}";

    static int post(String authorization) {
        var request = given().contentType(ContentType.JSON).body(EVENT);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request.when().post("/v1/events").then().extract().statusCode();
    }

    @Test
    void missingInvalidExpiredAndForeignTokensGet401() {
        org.junit.jupiter.api.Assertions.assertAll(
                () -> org.junit.jupiter.api.Assertions.assertEquals(401, post(null), "no token"),
                () -> org.junit.jupiter.api.Assertions.assertEquals(401, post("Bearer not.a.jwt"), "garbage"),
                () -> org.junit.jupiter.api.Assertions.assertEquals(401,
                        post(Tokens.bearer(Tokens.expiredToken("acme", "ingest"))), "expired"),
                () -> org.junit.jupiter.api.Assertions.assertEquals(401,
                        post(Tokens.bearer(Tokens.tokenSignedByAnotherKey("acme", "ingest"))), "untrusted signer"),
                () -> org.junit.jupiter.api.Assertions.assertEquals(401,
                        post(Tokens.bearer(Tokens.token(null, "ingest"))), "no tenant claim"),
                () -> org.junit.jupiter.api.Assertions.assertEquals(401,
                        post(Tokens.bearer(Tokens.token("Not A Tenant", "ingest"))), "invalid tenant claim"));
    }

    @Test
    void missingRoleGets403() {
        org.junit.jupiter.api.Assertions.assertEquals(403, post(Tokens.bearer(Tokens.token("acme", "read"))));
        org.junit.jupiter.api.Assertions.assertEquals(202, post(Tokens.bearer(Tokens.token("acme", "ingest"))));
    }

    @Test
    void revokedTokenGets401WithoutARedeployAndOnlyForItsOwnTenant() {
        String tokenId = "tok-" + UUID.randomUUID();
        String victim = Tokens.tokenWithId(tokenId, "acme", "ingest");
        org.junit.jupiter.api.Assertions.assertEquals(202, post(Tokens.bearer(victim)));

        // Another tenant's admin cannot revoke acme's token, even knowing its id.
        given().auth().oauth2(Tokens.token("globex", "admin")).contentType(ContentType.JSON)
                .body("{\"tokenId\":\"" + tokenId + "\"}").when().post("/v1/tokens/revocations")
                .then().statusCode(202).body("tenant", equalTo("globex"));
        org.junit.jupiter.api.Assertions.assertEquals(202, post(Tokens.bearer(victim)));

        // Only admins revoke.
        given().auth().oauth2(Tokens.token("acme", "ingest")).contentType(ContentType.JSON)
                .body("{\"tokenId\":\"" + tokenId + "\"}").when().post("/v1/tokens/revocations")
                .then().statusCode(403);
        given().auth().oauth2(Tokens.token("acme", "admin")).contentType(ContentType.JSON)
                .body("{}").when().post("/v1/tokens/revocations").then().statusCode(400);

        given().auth().oauth2(Tokens.token("acme", "admin")).contentType(ContentType.JSON)
                .body("{\"tokenId\":\"" + tokenId + "\"}").when().post("/v1/tokens/revocations")
                .then().statusCode(202).body("tenant", equalTo("acme"));
        await().atMost(Duration.ofSeconds(10)).until(() -> post(Tokens.bearer(victim)) == 401);
    }

    @Test
    void aRevocationThatWouldExpireAtOnceIsRefusedNamingExpiresAt() {
        String tokenId = "tok-" + UUID.randomUUID();
        String token = Tokens.tokenWithId(tokenId, "acme", "ingest");
        String admin = Tokens.token("acme", "admin");
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body("{\"tokenId\":\"" + tokenId + "\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}")
                .when().post("/v1/tokens/revocations")
                .then().statusCode(400)
                .body("errors[0].field", equalTo("expiresAt"))
                .body("errors[0].message", containsString("must be in the future"));
        org.junit.jupiter.api.Assertions.assertEquals(202, post(Tokens.bearer(token)), "nothing was revoked");
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body("{\"tokenId\":\"" + tokenId + "\",\"expiresAt\":\"next week\"}")
                .when().post("/v1/tokens/revocations")
                .then().statusCode(400)
                .body("errors[0].field", equalTo("expiresAt"))
                .body("errors[0].message", containsString("'next week' is not an ISO-8601 instant"));

        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body("{\"tokenId\":\"" + tokenId + "\",\"expiresAt\":\"" + Instant.now().plus(Duration.ofHours(1))
                        + "\"}")
                .when().post("/v1/tokens/revocations").then().statusCode(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> post(Tokens.bearer(token)) == 401);
    }

    @Test
    void healthAndMetricsNeedNoToken() {
        given().when().get("/q/health/ready").then().statusCode(200);
    }
}
