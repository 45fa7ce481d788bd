package io.leadscore.notification.contact;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.leadscore.notification.NotificationFixtures;
import io.leadscore.notification.NotificationTestInfra;
import io.leadscore.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@WithTestResource(NotificationTestInfra.class)
class ContactResourceTest {

    static final String CONTACT = """
            {"email": "ana@example.com", "phone": "+4915112345678",
             "chatWebhookUrl": "http://127.0.0.1:9/slack", "webhookUrl": "http://localhost:9/hook",
             "channels": {"sql": ["email", "sms", "chat", "webhook"], "mql": ["email"]},
             "timeZone": "Europe/Berlin", "quietHours": {"from": "20:00", "to": "07:00"}, "urgent": ["sql"]}
            """;

    @Test
    void aContactIsStoredAndTheGeneratedSecretShownOnlyOnce() {
        String tenant = NotificationFixtures.newTenant();
        JsonPath put = NotificationFixtures.putContact(tenant, "rep-1", CONTACT);
        String secret = put.getString("webhookSecret");
        assertNotEquals(null, secret);
        assertEquals(0, secret.indexOf("whsec_"));
        given().auth().oauth2(Tokens.token(tenant, "read")).when().get("/v1/reps/rep-1/contact").then()
                .statusCode(200)
                .body("email", equalTo("ana@example.com"))
                .body("channels.sql", containsInAnyOrder("email", "sms", "chat", "webhook"))
                .body("quietHours.from", equalTo("20:00"))
                .body("urgent", contains("sql"))
                .body("webhookSecretSet", equalTo(true))
                .body("webhookSecret", nullValue())
                .body(not(org.hamcrest.Matchers.containsString(secret.substring(6))))
                // The chat webhook URL is a credential too: readers see where it points, admins (who set it) all of it.
                .body("chatWebhookUrl", equalTo("http://127.0.0.1:9/…"))
                .body("chatWebhookUrlSet", equalTo(true));
        given().auth().oauth2(NotificationFixtures.admin(tenant)).when().get("/v1/reps/rep-1/contact").then()
                .statusCode(200).body("chatWebhookUrl", equalTo("http://127.0.0.1:9/slack"));
        // Saving again without a secret keeps it (not rotated, not shown).
        JsonPath again = NotificationFixtures.putContact(tenant, "rep-1", CONTACT);
        assertEquals(null, again.getString("webhookSecret"));
        assertEquals(null, again.getString("previousWebhookSecretValidUntil"));
    }

    @jakarta.inject.Inject
    io.vertx.mutiny.pgclient.PgPool pool;

    @jakarta.inject.Inject
    ContactStore store;

    private io.vertx.mutiny.sqlclient.Row storedRow(String tenant, String repId) {
        return pool.preparedQuery("SELECT chat_webhook_url, webhook_secret FROM rep_contact WHERE tenant = $1 "
                + "AND rep_id = $2").execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant, repId)).await().indefinitely()
                .iterator().next();
    }

    @Test
    void secretsAreStoredSealedAndRowsFromBeforeSealingGetSealed() {
        String tenant = NotificationFixtures.newTenant();
        String secret = NotificationFixtures.putContact(tenant, "rep-1", CONTACT).getString("webhookSecret");
        var row = storedRow(tenant, "rep-1");
        assertEquals(0, row.getString("webhook_secret").indexOf("enc:v1:test1:"));
        assertEquals(-1, row.getString("webhook_secret").indexOf(secret.substring(6)));
        assertEquals(0, row.getString("chat_webhook_url").indexOf("enc:v1:test1:"));
        var contact = store.find(pool, tenant, "rep-1").await().indefinitely();
        assertEquals(secret, contact.secrets().current());
        assertEquals("http://127.0.0.1:9/slack", contact.preferences().chatWebhookUrl());

        // Rows as an older version stored them, in plaintext.
        for (String rep : List.of("rep-2", "rep-4", "rep-5")) {
            pool.preparedQuery("INSERT INTO rep_contact (tenant, rep_id, chat_webhook_url, webhook_url, "
                    + "webhook_secret, updated_at) VALUES ($1, $2, 'http://127.0.0.1:9/old-chat', "
                    + "'http://127.0.0.1:9/hook', 'whsec_plaintext', now())")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant, rep)).await().indefinitely();
        }
        assertEquals("whsec_plaintext", store.find(pool, tenant, "rep-2").await().indefinitely().secrets().current());
        // A page of one row at a time: every page is sealed, not only the first.
        org.junit.jupiter.api.Assertions.assertTrue(store.resealOutdated(pool, 1).await().indefinitely() >= 3);
        row = storedRow(tenant, "rep-2");
        assertEquals(0, row.getString("webhook_secret").indexOf("enc:v1:test1:"));
        assertEquals(0, row.getString("chat_webhook_url").indexOf("enc:v1:test1:"));
        contact = store.find(pool, tenant, "rep-2").await().indefinitely();
        assertEquals("whsec_plaintext", contact.secrets().current());
        assertEquals("http://127.0.0.1:9/old-chat", contact.preferences().chatWebhookUrl());
        // A sealed secret copied into another rep's row does not open there: it counts as not set.
        pool.preparedQuery("INSERT INTO rep_contact (tenant, rep_id, webhook_url, webhook_secret, updated_at) SELECT "
                + "tenant, 'rep-3', webhook_url, webhook_secret, now() FROM rep_contact WHERE tenant = $1 AND rep_id = "
                + "'rep-1'").execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant)).await().indefinitely();
        assertEquals(null, store.find(pool, tenant, "rep-3").await().indefinitely().secrets().current());
        // Nothing of this tenant is left to seal.
        assertEquals(0, pool.preparedQuery("SELECT count(*) FROM rep_contact WHERE tenant = $1 AND (webhook_secret "
                + "NOT LIKE 'enc:v1:test1:%' OR chat_webhook_url NOT LIKE 'enc:v1:test1:%')")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(tenant)).await().indefinitely().iterator().next()
                .getLong(0));
    }

    @Test
    void aNewSecretRotatesWithAGracePeriod() {
        String tenant = NotificationFixtures.newTenant();
        NotificationFixtures.putContact(tenant, "rep-1", CONTACT);
        JsonPath rotated = NotificationFixtures.putContact(tenant, "rep-1", CONTACT.replace("\"channels\"",
                "\"webhookSecret\": \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\", \"channels\""));
        assertEquals(null, rotated.getString("webhookSecret"), "a secret the caller chose is not echoed");
        assertNotEquals(null, rotated.getString("previousWebhookSecretValidUntil"));
    }

    @Test
    void badInputGetsPreciseErrorsAndStoresNothing() {
        String tenant = NotificationFixtures.newTenant();
        given().auth().oauth2(NotificationFixtures.admin(tenant)).contentType(ContentType.JSON).body("""
                {"email": "ana@", "webhookUrl": "http://10.0.0.7/hook", "timeZone": "Europe/Nowhere",
                 "channels": {"sql": ["pigeon"]}}
                """).when().put("/v1/reps/rep-1/contact").then().statusCode(400)
                .body("errors.field", containsInAnyOrder("email", "webhookUrl", "timeZone", "channels.sql[0]"))
                .body("errors.find { it.field == 'webhookUrl' }.message",
                        equalTo("must not target a private address (10.0.0.7)"))
                .body("errors.find { it.field == 'channels.sql[0]' }.message", startsWith("unknown channel 'pigeon'"));
        // Plain http to a public host is refused even where loopback is allowed.
        given().auth().oauth2(NotificationFixtures.admin(tenant)).contentType(ContentType.JSON)
                .body("{\"chatWebhookUrl\": \"http://93.184.216.34/x\"}")
                .when().put("/v1/reps/rep-1/contact").then().statusCode(400)
                .body("errors[0].field", equalTo("chatWebhookUrl")).body("errors[0].message", equalTo("must use https"));
        given().auth().oauth2(NotificationFixtures.admin(tenant)).contentType(ContentType.JSON).body("{}")
                .when().put("/v1/reps/bad rep!/contact").then().statusCode(400).body("errors[0].field", equalTo("repId"));
        given().auth().oauth2(Tokens.token(tenant, "read")).when().get("/v1/reps/rep-1/contact").then()
                .statusCode(404);
    }

    @Test
    void onlyAdminsWriteAndTenantsNeverSeeEachOther() {
        String tenant = NotificationFixtures.newTenant();
        given().auth().oauth2(Tokens.token(tenant, "read")).contentType(ContentType.JSON).body(CONTACT)
                .when().put("/v1/reps/rep-1/contact").then().statusCode(403);
        given().contentType(ContentType.JSON).body(CONTACT).when().put("/v1/reps/rep-1/contact").then()
                .statusCode(401);
        NotificationFixtures.putContact(tenant, "rep-1", CONTACT);
        String other = NotificationFixtures.newTenant();
        given().auth().oauth2(Tokens.token(other, "read")).when().get("/v1/reps/rep-1/contact").then()
                .statusCode(404);
        given().auth().oauth2(Tokens.token(tenant, "ingest")).when().get("/v1/reps/rep-1/contact").then()
                .statusCode(403);
    }

    @Test
    void tenantSettingsChooseAlertKinds() {
        String tenant = NotificationFixtures.newTenant();
        given().auth().oauth2(Tokens.token(tenant, "read")).when().get("/v1/notification-settings").then()
                .statusCode(200).body("alertKinds", hasItem("reassignment"));
        given().auth().oauth2(NotificationFixtures.admin(tenant)).contentType(ContentType.JSON)
                .body("{\"alertKinds\": [\"sql\", \"escalation\"]}").when().put("/v1/notification-settings").then()
                .statusCode(200).body("alertKinds", contains("sql", "escalation"));
        given().auth().oauth2(NotificationFixtures.admin(tenant)).contentType(ContentType.JSON)
                .body("{\"alertKinds\": [\"sql\", \"hot\"]}").when().put("/v1/notification-settings").then()
                .statusCode(400).body("errors[0].field", equalTo("alertKinds[1]"));
        given().auth().oauth2(Tokens.token(tenant, "read")).when().get("/v1/notification-settings").then()
                .body("alertKinds", contains("sql", "escalation")).body("alertKinds", notNullValue());
    }
}
