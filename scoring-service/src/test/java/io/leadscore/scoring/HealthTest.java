package io.leadscore.scoring;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Readiness is UP only because the real broker and the real database answered. */
@QuarkusTest
@WithTestResource(ScoringTestInfra.class)
class HealthTest {

    @Test
    void readinessChecksTouchKafkaAndPostgres() {
        given().when().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Kafka connection health check",
                        "Reactive PostgreSQL connections health check"));
    }

    @Test
    void exposesMetricsAndOpenApi() {
        // Consumer lag is what an operator (and KEDA) scales on; the Kafka client's own metrics carry it.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> given().when()
                .get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("kafka_consumer_fetch_manager_records_lag_max")));
        given().when().get("/q/openapi").then().statusCode(200);
    }
}
