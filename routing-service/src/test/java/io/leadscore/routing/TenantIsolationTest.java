package io.leadscore.routing;

import static io.leadscore.routing.support.Fixtures.admin;
import static io.leadscore.routing.support.Fixtures.reader;
import static io.leadscore.routing.support.Fixtures.score;
import static io.leadscore.routing.support.Fixtures.send;
import static io.leadscore.routing.support.Fixtures.tick;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.leadscore.contracts.MessageKeys;
import io.leadscore.routing.support.Fixtures;
import io.leadscore.routing.support.Published;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The tenant always comes from the token: tenant B can neither see nor change anything of tenant A's. */
@QuarkusTest
@WithTestResource(RoutingTestInfra.class)
class TenantIsolationTest {

    @Test
    void anotherTenantCannotSeeOrChangeRepsTeamsPolicyLeadsOrQueues() {
        String a = Fixtures.tenant("ta");
        String b = Fixtures.tenant("tb");
        admin(a).body("{\"rules\": [], \"default\": \"mql\"}").put("/v1/routing/policy").then().statusCode(201);
        admin(a).body("{\"name\": \"A team\", \"default\": true}").put("/v1/teams/t").then().statusCode(201);
        admin(a).body("{\"name\": \"A rep\", \"team\": \"t\", \"capacity\": 5}").put("/v1/reps/r").then()
                .statusCode(201);
        send(score(a, "shared-id", "engagement", 10, "cold", tick(), Map.of()));
        Published.awaitStageChange(MessageKeys.leadKey(a, "shared-id"), c -> "mql".equals(c.toStage()));

        reader(b).get("/v1/reps/r").then().statusCode(404);
        reader(b).get("/v1/reps").then().body("", hasSize(0));
        reader(b).get("/v1/teams/t").then().statusCode(404);
        reader(b).get("/v1/teams").then().body("", hasSize(0));
        reader(b).get("/v1/routing/policy").then().body("version", equalTo(0));
        reader(b).get("/v1/routing/policy/versions/1").then().statusCode(404);
        reader(b).get("/v1/leads/shared-id/stage").then().statusCode(404);
        reader(b).get("/v1/queues/mql").then().body("items", hasSize(0));
        reader(b).body("{\"outcome\": \"lost\"}").post("/v1/leads/shared-id/feedback").then().statusCode(404);
        admin(b).body("{}").post("/v1/leads/shared-id/reassign").then().statusCode(404);

        // B's writes with the same ids create B's own data and leave A's alone.
        admin(b).body("{\"name\": \"B team\"}").put("/v1/teams/t").then().statusCode(201);
        admin(b).body("{\"name\": \"B rep\", \"team\": \"t\", \"capacity\": 1}").put("/v1/reps/r").then()
                .statusCode(201);
        admin(b).body("{\"rules\": []}").put("/v1/routing/policy").then().statusCode(201).body("version", equalTo(1));

        reader(a).get("/v1/reps/r").then().body("name", equalTo("A rep")).body("capacity", equalTo(5))
                .body("openLeads", equalTo(1));
        reader(a).get("/v1/teams/t").then().body("name", equalTo("A team")).body("default", equalTo(true));
        reader(a).get("/v1/routing/policy").then().body("version", equalTo(1)).body("definition.default",
                equalTo("mql"));
        reader(a).get("/v1/leads/shared-id/stage").then().statusCode(200).body("stage", equalTo("mql"))
                .body("ownerRepId", equalTo("r"));
        reader(a).get("/v1/queues/mql").then().body("items.leadId", contains("shared-id"));
        reader(b).get("/v1/reps/r").then().body("openLeads", equalTo(0));
    }
}
