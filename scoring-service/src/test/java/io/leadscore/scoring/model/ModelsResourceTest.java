package io.leadscore.scoring.model;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.Test;

import io.leadscore.scoring.ScoringFixtures;
import io.leadscore.scoring.ScoringTestInfra;
import io.leadscore.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(ScoringTestInfra.class)
class ModelsResourceTest {

    @Test
    void everyPublishCreatesTheNextVersionAndEarlierVersionsStayReadable() {
        String tenant = ScoringFixtures.newTenant();
        String admin = Tokens.token(tenant, "admin");
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(ScoringFixtures.ENGAGEMENT)
                .when().put("/v1/models/engagement").then().statusCode(201)
                .header("Location", "/v1/models/engagement/versions/1")
                .body("version", equalTo(1)).body("name", equalTo("Engagement"))
                .body("publishedBy", equalTo("test-user@" + tenant)).body("publishedAt", notNullValue());
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(ScoringFixtures.ENGAGEMENT.replace("\"Engagement\"", "\"Engagement v2\""))
                .when().put("/v1/models/engagement").then().statusCode(201).body("version", equalTo(2));

        String reader = Tokens.token(tenant, "read");
        given().auth().oauth2(reader).when().get("/v1/models").then().statusCode(200)
                .body("$", hasSize(1)).body("[0].version", equalTo(2)).body("[0].name", equalTo("Engagement v2"));
        given().auth().oauth2(reader).when().get("/v1/models/engagement/versions/1").then().statusCode(200)
                .body("name", equalTo("Engagement")).body("definition.rules", hasSize(5));
        given().auth().oauth2(reader).when().get("/v1/models/engagement/versions").then().statusCode(200)
                .body("version", equalTo(java.util.List.of(2, 1)));
        given().auth().oauth2(reader).when().get("/v1/models/engagement/versions/3").then().statusCode(404);
    }

    @Test
    void aModelThatCannotWorkIsRejectedNamingRuleAndField() {
        String tenant = ScoringFixtures.newTenant();
        String bad = """
                {"name": "Broken", "bands": [{"name": "hot", "from": 50}, {"name": "warm", "from": 21}],
                 "rules": [{"id": "r1", "event": "page_view", "where": [{"property": "url", "op": "like", "value": "x"}],
                            "points": 5},
                           {"id": "r2", "attribute": "jobTitle", "op": "matches", "value": "(unclosed", "points": 5},
                           {"id": "r2", "event": "demo_request", "points": 40}]}
                """;
        given().auth().oauth2(Tokens.token(tenant, "admin")).contentType(ContentType.JSON).body(bad)
                .when().put("/v1/models/broken").then().statusCode(400)
                .body("errors.rule", hasItem("r1")).body("errors.field", hasItem(containsString("where[0].op")))
                .body("errors.message", hasItem(containsString("like")))
                .body("errors.field", hasItem(containsString("value")))
                .body("errors.message", hasItem(containsString("duplicate")))
                .body("errors.field", hasItem(containsString("bands")));
        given().auth().oauth2(Tokens.token(tenant, "admin")).contentType(ContentType.JSON).body("[1]")
                .when().put("/v1/models/broken").then().statusCode(400);
        given().auth().oauth2(Tokens.token(tenant, "admin")).contentType(ContentType.JSON).body("{not json")
                .when().put("/v1/models/broken").then().statusCode(400)
                .body("errors[0].message", containsString("malformed JSON"));
        given().auth().oauth2(Tokens.token(tenant, "admin")).contentType(ContentType.JSON)
                .body(ScoringFixtures.ENGAGEMENT).when().put("/v1/models/Bad Id").then().statusCode(400);
        given().auth().oauth2(Tokens.token(tenant, "read")).when().get("/v1/models/broken").then().statusCode(404);
    }

    @Test
    void onlyAdminsPublishAndTenantsNeverSeeEachOthersModels() {
        String a = ScoringFixtures.newTenant();
        String b = ScoringFixtures.newTenant();
        given().auth().oauth2(Tokens.token(a, "read", "ingest")).contentType(ContentType.JSON)
                .body(ScoringFixtures.ENGAGEMENT).when().put("/v1/models/engagement").then().statusCode(403);
        ScoringFixtures.publishModel(a, "engagement", ScoringFixtures.ENGAGEMENT);
        given().auth().oauth2(Tokens.token(b, "read")).when().get("/v1/models").then().statusCode(200)
                .body("$", hasSize(0));
        given().auth().oauth2(Tokens.token(b, "read")).when().get("/v1/models/engagement").then().statusCode(404);
        given().auth().oauth2(Tokens.token(b, "read")).when().get("/v1/models/engagement/versions/1").then()
                .statusCode(404);
        given().when().get("/v1/models").then().statusCode(401);
    }
}
