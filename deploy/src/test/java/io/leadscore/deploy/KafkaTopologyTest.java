package io.leadscore.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.leadscore.contracts.Topics;
import io.leadscore.contracts.Topics.TopicSpec;

/**
 * Kafka as contracts define it: the same topics with the same partitions, durable (replication 3, min.insync.replicas
 * 2, no unclean leader election), every topic a service names among them, and every consumer group autoscaled on its
 * lag up to, never past, the partitions it can use.
 */
class KafkaTopologyTest {

    /** The Kafka scaler's parameters (KEDA 2.17 docs), so a misspelt one does not pass silently as a string. */
    private static final Set<String> KAFKA_SCALER_PARAMETERS = Set.of("bootstrapServers", "consumerGroup", "topic",
            "lagThreshold", "activationLagThreshold", "offsetResetPolicy", "allowIdleConsumers",
            "scaleToZeroOnInvalidOffset", "excludePersistentLag", "limitToPartitionsWithLag", "partitionLimitation",
            "ensureEvenDistributionOfPartitions", "version", "sasl", "tls", "unsafeSsl");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void topicsAreExactlyThoseOfContracts(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Map<String, String> rendered = new TreeMap<>();
        for (JsonNode topic : manifests.ofKind("KafkaTopic")) {
            JsonNode spec = topic.path("spec");
            String name = spec.path("topicName").asText(topic.path("metadata").path("name").asText());
            boolean compacted = spec.path("config").path("cleanup.policy").asText("delete").contains("compact");
            rendered.put(name, spec.path("partitions").asInt() + (compacted ? " compacted" : ""));
        }
        Map<String, String> contracts = new TreeMap<>();
        for (TopicSpec topic : Topics.ALL) {
            contracts.put(topic.name(), topic.partitions() + (topic.compacted() ? " compacted" : ""));
        }
        assertEquals(contracts, rendered, overlay + ": KafkaTopics (name=partitions) differ from contracts' Topics.ALL");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void everyTopicIsReplicatedThreeTimesAndWritesNeedTwo(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        JsonNode kafka = manifests.ofKind("Kafka").get(0);
        String cluster = kafka.path("metadata").path("name").asText();
        JsonNode config = kafka.path("spec").path("kafka").path("config");
        assertEquals(3, config.path("default.replication.factor").asInt(), "default.replication.factor");
        assertEquals(2, config.path("min.insync.replicas").asInt(), "min.insync.replicas");
        assertFalse(config.path("unclean.leader.election.enable").asBoolean(true), "unclean leader election");
        assertFalse(config.path("auto.create.topics.enable").asBoolean(true), "topics come from KafkaTopics only");
        assertEquals(3, config.path("offsets.topic.replication.factor").asInt(), "consumer offsets replication");

        int brokers = manifests.ofKind("KafkaNodePool").stream()
                .filter(p -> cluster.equals(p.path("metadata").path("labels").path("strimzi.io/cluster").asText()))
                .filter(p -> p.path("spec").path("roles").toString().contains("broker"))
                .mapToInt(p -> p.path("spec").path("replicas").asInt()).sum();
        assertTrue(brokers >= 3, overlay + ": " + brokers + " brokers cannot hold three replicas");

        for (JsonNode topic : manifests.ofKind("KafkaTopic")) {
            String name = topic.path("metadata").path("name").asText();
            JsonNode spec = topic.path("spec");
            assertEquals(cluster, topic.path("metadata").path("labels").path("strimzi.io/cluster").asText(),
                    name + " belongs to no cluster");
            assertEquals(3, spec.path("replicas").asInt(), name + " replicas");
            assertEquals(2, spec.path("config").path("min.insync.replicas").asInt(
                    config.path("min.insync.replicas").asInt()), name + " min.insync.replicas");
            assertFalse(spec.path("config").path("unclean.leader.election.enable").asBoolean(false),
                    name + " allows unclean leader election");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void servicesUseOnlyContractTopics(String overlay) {
        Set<String> contractTopics = Topics.ALL.stream().map(TopicSpec::name).collect(Collectors.toSet());
        for (String service : Repo.SERVICES) {
            Set<String> unknown = new TreeSet<>(ServiceSettings.of(service).topics());
            unknown.removeAll(contractTopics);
            assertTrue(unknown.isEmpty(), service + " uses topics that contracts do not define: " + unknown);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void consumersScaleOnLagUpToTheirPartitionsAndIngestOnCpu(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Map<String, Integer> partitions = Topics.ALL.stream()
                .collect(Collectors.toMap(TopicSpec::name, TopicSpec::partitions));
        for (String service : Repo.SERVICES) {
            ServiceSettings settings = ServiceSettings.of(service);
            Map<String, List<String>> groups = settings.consumerGroups();
            List<JsonNode> scaledObjects = manifests.ofKind("ScaledObject").stream()
                    .filter(s -> service.equals(s.path("spec").path("scaleTargetRef").path("name").asText())).toList();
            List<JsonNode> hpas = manifests.ofKind("HorizontalPodAutoscaler").stream()
                    .filter(h -> service.equals(h.path("spec").path("scaleTargetRef").path("name").asText())).toList();
            assertEquals(1, scaledObjects.size() + hpas.size(), overlay + " " + service + ": exactly one autoscaler");
            assertFalse(ServiceManifestsTest.deployment(manifests, service).path("spec").has("replicas"),
                    service + ": the autoscaler owns the replica count; a replicas field would reset it on every apply");

            if (groups.isEmpty()) {
                assertEquals(1, hpas.size(), service + " consumes nothing and scales on CPU");
                JsonNode metric = hpas.get(0).path("spec").path("metrics").get(0);
                assertEquals("cpu", metric.path("resource").path("name").asText());
                continue;
            }
            assertEquals(1, scaledObjects.size(), service + " consumes " + groups.keySet() + " and scales on lag");
            JsonNode spec = scaledObjects.get(0).path("spec");
            String bootstrap = ServiceManifestsTest.environment(manifests, service).get("KAFKA_BOOTSTRAP_SERVERS");
            Set<String> triggered = new TreeSet<>();
            int bound = Integer.MAX_VALUE;
            for (JsonNode trigger : spec.path("triggers")) {
                assertEquals("kafka", trigger.path("type").asText());
                JsonNode metadata = trigger.path("metadata");
                Set<String> parameters = new TreeSet<>();
                metadata.fieldNames().forEachRemaining(parameters::add);
                parameters.removeAll(KAFKA_SCALER_PARAMETERS);
                assertTrue(parameters.isEmpty(), service + ": unknown Kafka scaler parameters " + parameters);
                String group = metadata.path("consumerGroup").asText();
                assertTrue(groups.containsKey(group), service + " has no consumer group " + group);
                assertEquals(bootstrap, metadata.path("bootstrapServers").asText(), service + " scaler bootstrap");
                assertEquals("false", metadata.path("allowIdleConsumers").asText("false"),
                        service + ": replicas beyond the partitions would idle");
                if (metadata.has("topic")) {
                    assertTrue(groups.get(group).contains(metadata.path("topic").asText()),
                            group + " does not consume " + metadata.path("topic").asText());
                }
                triggered.add(group);
                for (String topic : groups.get(group)) {
                    bound = Math.min(bound, partitions.get(topic));
                }
            }
            assertEquals(groups.keySet(), triggered, service + ": every consumer group needs a lag trigger");
            int max = spec.path("maxReplicaCount").asInt();
            int min = spec.path("minReplicaCount").asInt();
            assertTrue(max <= bound, overlay + " " + service + ": maxReplicaCount " + max
                    + " exceeds the " + bound + " partitions its groups can spread over");
            assertTrue(min >= 1 && min <= max, overlay + " " + service + ": minReplicaCount " + min);
        }
    }
}
