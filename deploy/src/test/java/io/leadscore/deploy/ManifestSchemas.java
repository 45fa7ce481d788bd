package io.leadscore.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;

/**
 * Offline validation of rendered objects, as strict as the API server with field validation on: an unknown field is an
 * error.
 * <ul>
 * <li>Kubernetes kinds: the JSON schemas fabric8 generated from the Kubernetes 1.30 API types (the
 * {@code kubernetes-model-*} 6.13.4 jars on Maven Central, unpacked by the build into {@code target/k8s-schemas}). They
 * allow unknown fields (fabric8 keeps them in a map), so every object type is closed here, and quantities and
 * int-or-strings get their real shapes.</li>
 * <li>Strimzi kinds: read into Strimzi's own API classes ({@code io.strimzi:api}); a type mismatch fails, and an unknown
 * property anywhere (which those classes would keep aside, and the operator would warn about) is an error.</li>
 * <li>KEDA and CloudNativePG kinds: the subsets of their CRD schemas vendored in {@code src/test/resources/crd-schemas}
 * (see the README there).</li>
 * </ul>
 */
final class ManifestSchemas {

    private record Fabric8(String module, String definition) {
    }

    private static final Map<String, Fabric8> KUBERNETES = Map.of(
            "v1/Namespace", new Fabric8("core", "kubernetes_core_Namespace"),
            "v1/ConfigMap", new Fabric8("core", "kubernetes_core_ConfigMap"),
            "v1/Secret", new Fabric8("core", "kubernetes_core_Secret"),
            "v1/Service", new Fabric8("core", "kubernetes_core_Service"),
            "v1/ServiceAccount", new Fabric8("core", "kubernetes_core_ServiceAccount"),
            "apps/v1/Deployment", new Fabric8("apps", "kubernetes_apps_Deployment"),
            "policy/v1/PodDisruptionBudget", new Fabric8("policy", "kubernetes_policy_v1_PodDisruptionBudget"),
            "networking.k8s.io/v1/NetworkPolicy", new Fabric8("networking", "kubernetes_networking_v1_NetworkPolicy"),
            "autoscaling/v2/HorizontalPodAutoscaler",
            new Fabric8("autoscaling", "kubernetes_autoscaling_v2_HorizontalPodAutoscaler"));

    private static final Map<String, Class<?>> STRIMZI = Map.of(
            "kafka.strimzi.io/v1beta2/Kafka", Kafka.class,
            "kafka.strimzi.io/v1beta2/KafkaNodePool", KafkaNodePool.class,
            "kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class);

    private static final Map<String, String> VENDORED = Map.of(
            "keda.sh/v1alpha1/ScaledObject", "crd-schemas/keda.sh_v1alpha1_ScaledObject.json",
            "postgresql.cnpg.io/v1/Cluster", "crd-schemas/postgresql.cnpg.io_v1_Cluster.json",
            "postgresql.cnpg.io/v1/ScheduledBackup", "crd-schemas/postgresql.cnpg.io_v1_ScheduledBackup.json");

    /** The Kubernetes quantity syntax, as the API server's OpenAPI schema gives it. */
    private static final String QUANTITY = "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();
    private static final Map<String, JsonNode> MODULES = new ConcurrentHashMap<>();

    private ManifestSchemas() {
    }

    static String typeOf(JsonNode object) {
        return object.path("apiVersion").asText() + "/" + object.path("kind").asText();
    }

    /** Every problem with the object; empty when it is valid. */
    static List<String> validate(JsonNode object) {
        String type = typeOf(object);
        List<String> problems = new ArrayList<>();
        if (!object.path("metadata").path("name").isTextual()) {
            problems.add("$.metadata.name: missing");
        }
        if (STRIMZI.containsKey(type)) {
            problems.addAll(validateStrimzi(object, STRIMZI.get(type)));
        } else if (KUBERNETES.containsKey(type) || VENDORED.containsKey(type)) {
            JsonSchema schema = SCHEMAS.computeIfAbsent(type, ManifestSchemas::load);
            for (ValidationMessage message : schema.validate(object)) {
                problems.add(message.getMessage());
            }
            if (VENDORED.containsKey(type)) {
                // Custom resources have ordinary object metadata: check it against Kubernetes' ObjectMeta.
                JsonSchema meta = SCHEMAS.computeIfAbsent("ObjectMeta", t -> kubernetesSchema("apps",
                        "kubernetes_apimachinery_ObjectMeta"));
                for (ValidationMessage message : meta.validate(object.path("metadata"))) {
                    problems.add("metadata: " + message.getMessage());
                }
            }
        } else {
            problems.add("no schema for " + type + ": add it to ManifestSchemas (and vendor the CRD schema if the "
                    + "kind is not Kubernetes' own)");
        }
        return problems;
    }

    private static JsonSchema load(String type) {
        if (KUBERNETES.containsKey(type)) {
            Fabric8 source = KUBERNETES.get(type);
            return kubernetesSchema(source.module(), source.definition());
        }
        String resource = VENDORED.get(type);
        try (InputStream in = ManifestSchemas.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return FACTORY.getSchema(JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonSchema kubernetesSchema(String module, String definition) {
        JsonNode definitions = MODULES.computeIfAbsent(module, ManifestSchemas::strictDefinitions);
        if (!definitions.has(definition)) {
            throw new IllegalStateException("fabric8 schema " + module + " has no " + definition);
        }
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("$ref", "#/definitions/" + definition);
        root.set("definitions", definitions);
        return FACTORY.getSchema(root);
    }

    private static JsonNode strictDefinitions(String module) {
        Path file = schemasDir().resolve(module).resolve("schema/validation-schema.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: the build unpacks it from io.fabric8:kubernetes-model-"
                    + module + " (run the tests through Maven, which does this in generate-test-resources)");
        }
        try {
            ObjectNode definitions = (ObjectNode) JSON.readTree(file.toFile()).get("definitions");
            definitions.fieldNames().forEachRemaining(name -> close(definitions.get(name)));
            for (String name : List.of("k8s_io_apimachinery_pkg_api_resource_Quantity", "kubernetes_resource_Quantity")) {
                if (definitions.has(name)) {
                    definitions.set(name, JSON.readTree("""
                            {"anyOf": [{"type": "integer"}, {"type": "number"}, {"type": "string", "pattern": "%s"}]}
                            """.formatted(QUANTITY.replace("\\", "\\\\"))));
                }
            }
            definitions.set("kubernetes_apimachinery_pkg_util_intstr_IntOrString",
                    JSON.readTree("{\"anyOf\": [{\"type\": \"integer\"}, {\"type\": \"string\"}]}"));
            return definitions;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * fabric8's schemas are written to generate Java classes: objects take unknown fields (into a map), and
     * {@code required: true} is the draft-03 form. Closes every object that lists its properties and drops the
     * Java-generation keywords.
     */
    private static void close(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<String> names = object.fieldNames(); names.hasNext();) {
                String name = names.next();
                if (name.startsWith("java") || name.equals("existingJavaType")
                        || (name.equals("required") && object.get(name).isBoolean())) {
                    names.remove();
                }
            }
            if (object.has("properties") && object.path("additionalProperties").isBoolean()) {
                object.put("additionalProperties", false);
            }
            object.elements().forEachRemaining(ManifestSchemas::close);
        } else if (node instanceof ArrayNode array) {
            array.elements().forEachRemaining(ManifestSchemas::close);
        }
    }

    private static Path schemasDir() {
        String configured = System.getProperty("k8s.schemas");
        return configured != null
                ? Path.of(configured)
                : Repo.root().resolve("deploy/target/k8s-schemas");
    }

    private static List<String> validateStrimzi(JsonNode object, Class<?> type) {
        Object parsed;
        try {
            parsed = JSON.treeToValue(object, type);
        } catch (JsonMappingException e) {
            return List.of(e.getPathReference() + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            return List.of(type.getSimpleName() + ": " + e.getOriginalMessage());
        }
        List<String> problems = new ArrayList<>();
        unknownProperties(parsed, "$", problems, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        return problems;
    }

    /** Walks the bean graph as Jackson sees it and reports the properties a class kept aside as unknown. */
    private static void unknownProperties(Object value, String path, List<String> problems, Set<Object> seen) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?> || !seen.add(value)) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownProperties(v, path + "." + k, problems, seen));
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownProperties(item, path + "[" + i++ + "]", problems, seen);
            }
            return;
        }
        String pkg = value.getClass().getPackageName();
        if (!pkg.startsWith("io.strimzi.api") && !pkg.startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        try {
            Method additional = value.getClass().getMethod("getAdditionalProperties");
            Object extra = additional.invoke(value);
            if (extra instanceof Map<?, ?> unknown && !unknown.isEmpty()) {
                problems.add(path + ": unknown field(s) " + unknown.keySet() + " in "
                        + value.getClass().getSimpleName());
            }
        } catch (NoSuchMethodException e) {
            // a class without the catch-all map cannot have taken an unknown field
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        BeanDescription bean = JSON.getSerializationConfig().introspect(JSON.constructType(value.getClass()));
        for (BeanPropertyDefinition property : bean.findProperties()) {
            AnnotatedMember accessor = property.getAccessor();
            if (accessor != null && !property.getName().equals("additionalProperties")) {
                accessor.fixAccess(true);
                unknownProperties(accessor.getValue(value), path + "." + property.getName(), problems, seen);
            }
        }
    }
}
