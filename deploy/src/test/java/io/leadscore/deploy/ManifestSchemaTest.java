package io.leadscore.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Each overlay renders, and every object in it is valid against its kind's schema, unknown fields included. */
class ManifestSchemaTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void everyRenderedObjectIsValid(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        assertFalse(manifests.objects.isEmpty(), overlay + " renders nothing");
        List<String> failures = new ArrayList<>();
        for (JsonNode object : manifests.objects) {
            ManifestSchemas.validate(object).forEach(p -> failures.add(Manifests.id(object) + ": " + p));
        }
        assertTrue(failures.isEmpty(), overlay + ": invalid objects:\n  " + String.join("\n  ", failures));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void everyObjectIsUniqueAndInTheOverlaysNamespace(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        JsonNode namespace = manifests.ofKind("Namespace").stream().findFirst()
                .orElseThrow(() -> new AssertionError(overlay + " creates no Namespace"));
        String name = namespace.path("metadata").path("name").asText();
        Set<String> seen = new HashSet<>();
        for (JsonNode object : manifests.objects) {
            assertTrue(seen.add(Manifests.id(object)), overlay + ": " + Manifests.id(object) + " rendered twice");
            if (object != namespace) {
                assertEquals(name, object.path("metadata").path("namespace").asText(),
                        overlay + ": " + Manifests.id(object) + " outside the namespace");
            }
        }
    }

    /** A schema that accepts everything proves nothing: one mistake per kind, each must be caught. */
    static Stream<Arguments> mistakes() {
        return Stream.of(
                mistake("Deployment", "ingest-service", "misspelt container field", o -> container(o).put(
                        "imagePullPolcy", "Always")),
                mistake("Deployment", "scoring-service", "port as a word", o -> ((ObjectNode) container(o)
                        .path("ports").get(0)).put("containerPort", "http")),
                mistake("Deployment", "routing-service", "quantity that is not one",
                        o -> ((ObjectNode) container(o).path("resources").path("requests")).put("cpu", "lots")),
                mistake("Deployment", "notification-service", "misspelt probe field",
                        o -> ((ObjectNode) container(o).path("readinessProbe")).put("periodSecond", 5)),
                mistake("Service", "ingest-service", "misspelt port field",
                        o -> ((ObjectNode) o.path("spec").path("ports").get(0)).put("target_port", 8081)),
                mistake("ConfigMap", "ingest-service-config", "misspelt metadata field",
                        o -> ((ObjectNode) o.path("metadata")).putObject("label")),
                mistake("PodDisruptionBudget", "ingest-service", "misspelt spec field",
                        o -> ((ObjectNode) o.path("spec")).put("maxUnavailble", 1)),
                mistake("NetworkPolicy", "ingest-service", "field of the wrong level",
                        o -> ((ObjectNode) o.path("spec").path("ingress").get(0)).put("port", 8081)),
                mistake("HorizontalPodAutoscaler", "ingest-service", "misspelt metric target",
                        o -> ((ObjectNode) o.path("spec").path("metrics").get(0).path("resource").path("target"))
                                .put("averageUtilisation", 70)),
                mistake("KafkaTopic", "lead-events", "misspelt topic field",
                        o -> ((ObjectNode) o.path("spec")).put("partiton", 24)),
                mistake("Kafka", "leadscore", "misspelt listener field",
                        o -> ((ObjectNode) o.path("spec").path("kafka").path("listeners").get(0)).put("tlss", true)),
                mistake("KafkaNodePool", "dual-role", "replicas as a word",
                        o -> ((ObjectNode) o.path("spec")).put("replicas", "three")),
                mistake("ScaledObject", "scoring-service", "misspelt trigger field",
                        o -> ((ObjectNode) o.path("spec").path("triggers").get(0)).putObject("metdata")),
                mistake("Cluster", "scoring-db", "misspelt initdb field",
                        o -> ((ObjectNode) o.path("spec").path("bootstrap").path("initdb")).put("databse", "x")),
                mistake("Cluster", "scoring-db", "unknown metadata field",
                        o -> ((ObjectNode) o.path("metadata")).put("labelz", "x")),
                mistake("ScheduledBackup", "scoring-db-nightly", "method outside the enum",
                        o -> ((ObjectNode) o.path("spec")).put("method", "snapshot")));
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("mistakes")
    void aMistakeIsCaught(String kind, String name, String mistake, Consumer<ObjectNode> edit) {
        JsonNode original = Manifests.of("prod").get(kind, name);
        assertTrue(ManifestSchemas.validate(original).isEmpty(), "the unedited " + kind + " must be valid");
        ObjectNode broken = original.deepCopy();
        edit.accept(broken);
        List<String> problems = ManifestSchemas.validate(broken);
        assertFalse(problems.isEmpty(), kind + " with a " + mistake + " passed validation");
    }

    @Test
    void aKindWithoutSchemaIsAnError() {
        ObjectNode unknown = Manifests.YAML.createObjectNode();
        unknown.put("apiVersion", "example.com/v1").put("kind", "Widget").putObject("metadata").put("name", "w");
        assertTrue(ManifestSchemas.validate(unknown).get(0).contains("no schema for example.com/v1/Widget"));
    }

    private static Arguments mistake(String kind, String name, String what, Consumer<ObjectNode> edit) {
        return Arguments.of(kind, name, what, edit);
    }

    private static ObjectNode container(ObjectNode deployment) {
        ArrayNode containers = (ArrayNode) deployment.path("spec").path("template").path("spec").path("containers");
        return (ObjectNode) containers.get(0);
    }
}
