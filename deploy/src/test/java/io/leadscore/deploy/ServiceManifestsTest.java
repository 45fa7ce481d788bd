package io.leadscore.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Each service's Deployment against the service itself: every setting it must get from its environment is there (and
 * nothing it would not read), its probes and ports are the app's, its database is its own, its Kafka bootstrap and
 * OTLP endpoint lead to the cluster and the collector in the same render, and every Secret it reads is either made by
 * an operator or documented in docs/operations.md for the SRE to create.
 */
class ServiceManifestsTest {

    static Stream<Arguments> overlaysAndServices() {
        return Repo.OVERLAYS.stream().flatMap(o -> Repo.SERVICES.stream().map(s -> Arguments.of(o, s)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("overlaysAndServices")
    void everySettingTheServiceNeedsIsProvidedAndEveryProvidedOneIsRead(String overlay, String service) {
        Manifests manifests = Manifests.of(overlay);
        ServiceSettings settings = ServiceSettings.of(service);
        Map<String, String> env = environment(manifests, service);

        Set<String> missing = new TreeSet<>(settings.requiredEnv());
        missing.removeAll(env.keySet());
        assertTrue(missing.isEmpty(), overlay + " " + service + " does not set " + missing
                + " (application.properties and the service's config mappings say the environment provides them)");

        List<String> unknown = env.keySet().stream().filter(name -> !settings.knowsEnv(name)).toList();
        assertTrue(unknown.isEmpty(), overlay + " " + service + " sets " + unknown
                + ", which the service does not read (a typo, or a setting of an extension it does not have)");

        env.forEach((name, value) -> assertFalse(value.isBlank(), overlay + " " + service + ": " + name + " is empty"));

        Properties overrides = overrides(manifests, service);
        List<String> unknownOverrides = overrides.stringPropertyNames().stream()
                .filter(name -> !settings.knowsProperty(name)).sorted().toList();
        assertTrue(unknownOverrides.isEmpty(), overlay + " " + service + ": overrides file sets " + unknownOverrides
                + ", which the service does not read");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("overlaysAndServices")
    void probesPortsAndServiceMatchTheApp(String overlay, String service) {
        Manifests manifests = Manifests.of(overlay);
        ServiceSettings settings = ServiceSettings.of(service);
        JsonNode container = container(manifests, service);
        int port = settings.httpPort();

        assertTrue(settings.extensions.contains("quarkus-smallrye-health"), service + " has no SmallRye Health");
        assertFalse(settings.properties.containsKey("quarkus.smallrye-health.root-path")
                || settings.properties.containsKey("quarkus.http.non-application-root-path")
                || settings.properties.containsKey("quarkus.http.root-path"),
                service + " moved its health endpoints; the probes assume /q/health");
        assertEquals(port, namedPort(container, "http"), overlay + " " + service + ": container port");
        Map<String, String> probes = Map.of("startupProbe", "/q/health/started", "readinessProbe", "/q/health/ready",
                "livenessProbe", "/q/health/live");
        probes.forEach((probe, path) -> {
            JsonNode get = container.path(probe).path("httpGet");
            assertEquals(path, get.path("path").asText(), overlay + " " + service + " " + probe + " path");
            assertEquals(port, resolvePort(container, get.path("port")), overlay + " " + service + " " + probe + " port");
        });

        JsonNode svc = manifests.get("Service", service);
        JsonNode servicePort = svc.path("spec").path("ports").get(0);
        assertEquals(port, servicePort.path("port").asInt(), overlay + " " + service + ": Service port");
        assertEquals(port, resolvePort(container, servicePort.path("targetPort")), overlay + " Service targetPort");
        assertTrue(selects(svc.path("spec").path("selector"), podLabels(manifests, service)),
                overlay + " Service " + service + " does not select its pods");

        JsonNode policy = manifests.get("NetworkPolicy", service);
        assertTrue(selects(policy.path("spec").path("podSelector").path("matchLabels"), podLabels(manifests, service)));
        List<Integer> ingressPorts = new ArrayList<>();
        policy.path("spec").path("ingress").forEach(rule -> rule.path("ports")
                .forEach(p -> ingressPorts.add(p.path("port").asInt())));
        assertEquals(List.of(port), ingressPorts, overlay + " " + service + ": NetworkPolicy ingress ports");

        JsonNode annotations = deployment(manifests, service).path("spec").path("template").path("metadata")
                .path("annotations");
        assertEquals(String.valueOf(port), annotations.path("prometheus.io/port").asText());
        assertTrue(settings.extensions.contains("quarkus-micrometer-registry-prometheus"));

        JsonNode pdb = manifests.get("PodDisruptionBudget", service);
        assertTrue(selects(pdb.path("spec").path("selector").path("matchLabels"), podLabels(manifests, service)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("overlaysAndServices")
    void shutsDownGracefullyAsNonRootOnAReadOnlyFilesystem(String overlay, String service) {
        Manifests manifests = Manifests.of(overlay);
        JsonNode pod = deployment(manifests, service).path("spec").path("template").path("spec");
        JsonNode container = container(manifests, service);
        Duration shutdown = Duration.parse("PT" + environment(manifests, service).get("QUARKUS_SHUTDOWN_TIMEOUT")
                .toUpperCase());
        long preStop = container.path("lifecycle").path("preStop").path("sleep").path("seconds").asLong();
        long grace = pod.path("terminationGracePeriodSeconds").asLong(30);
        assertTrue(preStop > 0, overlay + " " + service + ": no preStop pause for endpoints to drop the pod");
        assertTrue(preStop + shutdown.toSeconds() < grace, overlay + " " + service + ": preStop " + preStop
                + " s + quarkus.shutdown.timeout " + shutdown.toSeconds() + " s must fit in terminationGracePeriodSeconds "
                + grace);

        assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean());
        assertTrue(pod.path("securityContext").path("runAsUser").asInt() > 0);
        JsonNode security = container.path("securityContext");
        assertTrue(security.path("readOnlyRootFilesystem").asBoolean(), service + ": root filesystem writable");
        assertFalse(security.path("allowPrivilegeEscalation").asBoolean(true));
        assertEquals("ALL", security.path("capabilities").path("drop").get(0).asText());
        assertTrue(mountPaths(container).contains("/tmp"), service + ": /tmp must be writable (an emptyDir)");
        assertFalse(pod.path("automountServiceAccountToken").asBoolean(true), service + " needs no API token");

        JsonNode resources = container.path("resources");
        for (String kind : List.of("requests", "limits")) {
            for (String resource : List.of("cpu", "memory")) {
                assertTrue(resources.path(kind).has(resource), overlay + " " + service + ": no " + kind + "." + resource);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("overlaysAndServices")
    void usesItsOwnDatabase(String overlay, String service) {
        Manifests manifests = Manifests.of(overlay);
        Map<String, String> env = environment(manifests, service);
        URI reactive = URI.create(env.get("QUARKUS_DATASOURCE_REACTIVE_URL"));
        URI jdbc = URI.create(env.get("QUARKUS_DATASOURCE_JDBC_URL").substring("jdbc:".length()));
        assertEquals(reactive.getHost(), jdbc.getHost(), overlay + " " + service + ": JDBC and reactive hosts");
        assertEquals(reactive.getPath(), jdbc.getPath(), overlay + " " + service + ": JDBC and reactive databases");
        assertEquals(5432, reactive.getPort());
        String host = reactive.getHost();
        assertTrue(host.endsWith("-rw"), service + " must connect to the primary (<cluster>-rw), not " + host);
        String clusterName = host.substring(0, host.length() - "-rw".length());
        JsonNode cluster = manifests.get("Cluster", clusterName);
        String database = cluster.path("spec").path("bootstrap").path("initdb").path("database").asText();
        assertEquals("/" + database, reactive.getPath(), overlay + " " + service + ": database name");

        for (String other : Repo.SERVICES) {
            if (!other.equals(service)) {
                assertFalse(environment(manifests, other).get("QUARKUS_DATASOURCE_REACTIVE_URL").contains("//" + host + ":"),
                        other + " shares " + service + "'s database");
            }
        }
        JsonNode container = container(manifests, service);
        for (String credential : List.of("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD")) {
            JsonNode ref = envVar(container, credential).path("valueFrom").path("secretKeyRef");
            assertEquals(clusterName + "-app", ref.path("name").asText(),
                    service + ": " + credential + " must come from the owner's Secret CloudNativePG writes");
        }
        JsonNode dbPolicy = manifests.get("NetworkPolicy", clusterName);
        assertTrue(dbPolicy.toString().contains("\"app.kubernetes.io/name\":\"" + service + "\""),
                clusterName + "'s NetworkPolicy does not let " + service + " in");
        String egress = manifests.get("NetworkPolicy", service).path("spec").path("egress").toString();
        for (JsonNode other : manifests.ofKind("Cluster")) {
            String name = other.path("metadata").path("name").asText();
            assertEquals(name.equals(clusterName), egress.contains("\"cnpg.io/cluster\":\"" + name + "\""),
                    service + "'s NetworkPolicy must reach its own database " + clusterName + " and no other");
        }
        assertTrue(egress.contains("\"strimzi.io/cluster\":\"leadscore\""), service + " cannot reach Kafka");
        assertTrue(egress.contains("\"app.kubernetes.io/name\":\"otel-collector\""), service + " cannot reach the collector");
        assertEquals(service.equals("notification-service"), egress.contains("0.0.0.0/0"),
                "only notification talks to the outside world (SMTP, SMS, chat, webhooks)");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("overlaysAndServices")
    void kafkaTracesAndTheVerificationKeyAreWhereTheServiceLooks(String overlay, String service) {
        Manifests manifests = Manifests.of(overlay);
        Map<String, String> env = environment(manifests, service);

        JsonNode kafka = manifests.ofKind("Kafka").get(0);
        String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
        List<String> plainListeners = new ArrayList<>();
        kafka.path("spec").path("kafka").path("listeners").forEach(l -> {
            if (!l.path("tls").asBoolean()) {
                plainListeners.add(kafka.path("metadata").path("name").asText() + "-kafka-bootstrap:"
                        + l.path("port").asInt());
            }
        });
        assertTrue(plainListeners.contains(bootstrap), overlay + " " + service + ": KAFKA_BOOTSTRAP_SERVERS "
                + bootstrap + " is none of the cluster's plain listeners " + plainListeners);

        URI otlp = URI.create(env.get("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT"));
        JsonNode collectorService = manifests.get("Service", otlp.getHost());
        JsonNode servicePort = stream(collectorService.path("spec").path("ports"))
                .filter(p -> p.path("port").asInt() == otlp.getPort()).findFirst()
                .orElseThrow(() -> new AssertionError(otlp + ": no such port on the collector's Service"));
        JsonNode collectorDeployment = manifests.get("Deployment", otlp.getHost());
        JsonNode collector = collectorDeployment.path("spec").path("template").path("spec").path("containers").get(0);
        int containerPort = resolvePort(collector, servicePort.path("targetPort"));
        Map<?, ?> config = collectorConfig(manifests);
        String grpc = String.valueOf(path(config, "receivers", "otlp", "protocols", "grpc", "endpoint"));
        assertEquals(containerPort, Integer.parseInt(grpc.substring(grpc.lastIndexOf(':') + 1)),
                "the collector's OTLP/gRPC receiver listens where its Service sends");
        assertTrue(String.valueOf(path(config, "service", "pipelines", "traces", "receivers")).contains("otlp"),
                "the collector's traces pipeline does not take OTLP");

        String keyFile = env.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
        JsonNode container = container(manifests, service);
        JsonNode pod = deployment(manifests, service).path("spec").path("template").path("spec");
        JsonNode mount = stream(container.path("volumeMounts"))
                .filter(m -> keyFile.startsWith(m.path("mountPath").asText() + "/")).findFirst()
                .orElseThrow(() -> new AssertionError(service + ": nothing mounted at " + keyFile));
        JsonNode volume = stream(pod.path("volumes"))
                .filter(v -> v.path("name").asText().equals(mount.path("name").asText())).findFirst().orElseThrow();
        String file = keyFile.substring(mount.path("mountPath").asText().length() + 1);
        assertTrue(stream(volume.path("secret").path("items")).anyMatch(i -> i.path("path").asText().equals(file)),
                service + ": the verification key volume does not provide " + file);
    }

    /** Every Secret the render reads is made by CloudNativePG or listed in docs/operations.md, and vice versa. */
    @Test
    void everySecretIsCreatedByAnOperatorOrDocumentedForTheSre() {
        Map<String, Set<String>> documented = documentedSecrets();
        assertFalse(documented.isEmpty(), "docs/operations.md has no secrets table");
        Set<String> used = new TreeSet<>();
        for (String overlay : Repo.OVERLAYS) {
            Manifests manifests = Manifests.of(overlay);
            Set<String> generated = new TreeSet<>();
            manifests.ofKind("Cluster").forEach(c -> generated.add(c.path("metadata").path("name").asText() + "-app"));
            for (Map.Entry<String, Set<String>> ref : secretReferences(manifests).entrySet()) {
                String secret = ref.getKey();
                used.add(secret);
                if (generated.contains(secret)) {
                    assertTrue(Set.of("username", "password", "uri", "jdbc-uri", "host", "port", "dbname")
                            .containsAll(ref.getValue()), secret + " has no keys " + ref.getValue());
                    continue;
                }
                assertTrue(documented.containsKey(secret), overlay + " reads Secret " + secret
                        + ", which neither an operator creates nor docs/operations.md tells the SRE to create");
                assertTrue(documented.get(secret).containsAll(ref.getValue()), overlay + " reads keys " + ref.getValue()
                        + " of " + secret + "; docs/operations.md documents " + documented.get(secret));
            }
        }
        Set<String> unused = new TreeSet<>(documented.keySet());
        unused.removeAll(used);
        assertTrue(unused.isEmpty(), "docs/operations.md documents Secrets no overlay reads: " + unused);
    }

    @Test
    void settingsAreReadFromTheServicesSources() {
        // Guards the parsing the checks above rely on: known facts of two services must come out of their sources.
        ServiceSettings notification = ServiceSettings.of("notification-service");
        assertTrue(notification.requiredEnv().containsAll(List.of("QUARKUS_MAILER_HOST", "QUARKUS_MAILER_PASSWORD",
                "LEADSCORE_NOTIFICATION_SMS_ACCOUNT_SID", "LEADSCORE_NOTIFICATION_SMS_AUTH_TOKEN",
                "LEADSCORE_NOTIFICATION_PUBLIC_BASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "QUARKUS_DATASOURCE_REACTIVE_URL",
                "MP_JWT_VERIFY_PUBLICKEY_LOCATION")), notification.requiredEnv().toString());
        assertTrue(notification.knowsProperty("leadscore.notification.quota.tenants.acme.sms-per-day"));
        assertTrue(notification.knowsEnv("LEADSCORE_NOTIFICATION_RETRY_MAX_ATTEMPTS"));
        assertFalse(notification.knowsEnv("LEADSCORE_NOTIFICATION_RETRY_MAX_ATTEMPT"));
        ServiceSettings ingest = ServiceSettings.of("ingest-service");
        assertTrue(ingest.knowsProperty("leadscore.ingest.rate-limit.tenants.acme"));
        assertFalse(ingest.knowsEnv("QUARKUS_MAILER_HOST"), "ingest has no mailer");
        assertTrue(ingest.consumerGroups().isEmpty());
        assertEquals(Map.of("notification-service", List.of("leads.mql", "leads.sql"),
                "notification-service-escalations", List.of("lead-escalations")), notification.consumerGroups());
    }

    // --- reading the render ---

    static JsonNode deployment(Manifests manifests, String service) {
        return manifests.get("Deployment", service);
    }

    static JsonNode container(Manifests manifests, String service) {
        return stream(deployment(manifests, service).path("spec").path("template").path("spec").path("containers"))
                .filter(c -> c.path("name").asText().equals(service)).findFirst()
                .orElseThrow(() -> new AssertionError(service + ": no container named after the service"));
    }

    /** The environment the container gets: its ConfigMaps (envFrom) and its own env entries. */
    static Map<String, String> environment(Manifests manifests, String service) {
        JsonNode container = container(manifests, service);
        Map<String, String> env = new TreeMap<>();
        container.path("envFrom").forEach(source -> {
            assertTrue(source.has("configMapRef"), service + ": only ConfigMaps are expected in envFrom");
            manifests.get("ConfigMap", source.path("configMapRef").path("name").asText()).path("data").fields()
                    .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        });
        container.path("env").forEach(var -> {
            String value = var.has("value")
                    ? var.path("value").asText()
                    : var.path("valueFrom").has("secretKeyRef")
                            ? "<secret "
                                    + var.path("valueFrom").path("secretKeyRef").path("name").asText() + ">"
                            : configMapValue(manifests, var.path("valueFrom").path("configMapKeyRef"));
            env.put(var.path("name").asText(), value);
        });
        return env;
    }

    private static String configMapValue(Manifests manifests, JsonNode ref) {
        return manifests.get("ConfigMap", ref.path("name").asText()).path("data").path(ref.path("key").asText())
                .asText();
    }

    private static Properties overrides(Manifests manifests, String service) {
        JsonNode container = container(manifests, service);
        JsonNode pod = deployment(manifests, service).path("spec").path("template").path("spec");
        Properties properties = new Properties();
        Optional<JsonNode> mount = stream(container.path("volumeMounts"))
                .filter(m -> m.path("mountPath").asText().equals("/deployments/config")).findFirst();
        if (mount.isEmpty()) {
            return properties;
        }
        JsonNode volume = stream(pod.path("volumes")).filter(v -> v.path("name").asText()
                .equals(mount.get().path("name").asText())).findFirst().orElseThrow();
        String text = manifests.get("ConfigMap", volume.path("configMap").path("name").asText()).path("data")
                .path("application.properties").asText(null);
        assertNotNull(text, service + ": the overrides ConfigMap has no application.properties");
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    private static Set<String> podLabels(Manifests manifests, String service) {
        Set<String> labels = new TreeSet<>();
        deployment(manifests, service).path("spec").path("template").path("metadata").path("labels").fields()
                .forEachRemaining(e -> labels.add(e.getKey() + "=" + e.getValue().asText()));
        return labels;
    }

    private static boolean selects(JsonNode selector, Set<String> labels) {
        List<String> wanted = new ArrayList<>();
        selector.fields().forEachRemaining(e -> wanted.add(e.getKey() + "=" + e.getValue().asText()));
        return !wanted.isEmpty() && labels.containsAll(wanted);
    }

    private static int namedPort(JsonNode container, String name) {
        return stream(container.path("ports")).filter(p -> p.path("name").asText().equals(name))
                .mapToInt(p -> p.path("containerPort").asInt()).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + name));
    }

    private static int resolvePort(JsonNode container, JsonNode port) {
        return port.isInt() ? port.asInt() : namedPort(container, port.asText());
    }

    private static JsonNode envVar(JsonNode container, String name) {
        return stream(container.path("env")).filter(e -> e.path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
    }

    private static Set<String> mountPaths(JsonNode container) {
        Set<String> paths = new TreeSet<>();
        container.path("volumeMounts").forEach(m -> paths.add(m.path("mountPath").asText()));
        return paths;
    }

    private static Map<?, ?> collectorConfig(Manifests manifests) {
        String yaml = manifests.get("ConfigMap", "otel-collector-config").path("data").path("config.yaml").asText();
        try {
            return Manifests.YAML.readValue(yaml, Map.class);
        } catch (IOException e) {
            throw new AssertionError("the collector config is not YAML: " + e.getMessage(), e);
        }
    }

    private static Object path(Map<?, ?> map, String... keys) {
        Object at = map;
        for (String key : keys) {
            assertTrue(at instanceof Map<?, ?>, "collector config has no " + String.join(".", keys));
            at = ((Map<?, ?>) at).get(key);
        }
        return at;
    }

    /** Secret name to the keys read from it, across Deployments, secret volumes and CloudNativePG backups. */
    static Map<String, Set<String>> secretReferences(Manifests manifests) {
        Map<String, Set<String>> refs = new TreeMap<>();
        for (JsonNode object : manifests.objects) {
            collectSecretReferences(object, refs);
        }
        return refs;
    }

    private static void collectSecretReferences(JsonNode node, Map<String, Set<String>> refs) {
        if (node.isObject()) {
            if (node.has("secretKeyRef")) {
                add(refs, node.path("secretKeyRef"));
            }
            if (node.has("secret") && node.path("secret").has("secretName")) {
                JsonNode secret = node.path("secret");
                Set<String> keys = refs.computeIfAbsent(secret.path("secretName").asText(), k -> new TreeSet<>());
                secret.path("items").forEach(i -> keys.add(i.path("key").asText()));
            }
            if (node.has("s3Credentials")) {
                node.path("s3Credentials").forEach(ref -> add(refs, ref));
            }
            node.elements().forEachRemaining(child -> collectSecretReferences(child, refs));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> collectSecretReferences(child, refs));
        }
    }

    private static void add(Map<String, Set<String>> refs, JsonNode ref) {
        refs.computeIfAbsent(ref.path("name").asText(), k -> new TreeSet<>()).add(ref.path("key").asText());
    }

    /** The table under "## Secrets" in docs/operations.md: | `name` | `key`, `key` | ... */
    static Map<String, Set<String>> documentedSecrets() {
        String doc = ServiceSettings.read(Repo.root().resolve("docs/operations.md"));
        int start = doc.indexOf("\n## Secrets");
        assertTrue(start >= 0, "docs/operations.md has no '## Secrets' section");
        int end = doc.indexOf("\n## ", start + 1);
        Map<String, Set<String>> secrets = new LinkedHashMap<>();
        for (String line : doc.substring(start, end < 0 ? doc.length() : end).lines().toList()) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            String name = cells[1].trim().replace("`", "");
            Set<String> keys = new TreeSet<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("`([^`]+)`").matcher(cells[2]);
            while (m.find()) {
                keys.add(m.group(1));
            }
            secrets.put(name, keys);
        }
        return secrets;
    }

    static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items.stream();
    }
}
