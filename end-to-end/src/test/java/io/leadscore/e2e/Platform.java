package io.leadscore.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.leadscore.testing.KafkaBroker;
import io.leadscore.testing.PostgresServer;
import io.leadscore.testing.Tokens;

/**
 * The four services as packaged apps ({@code target/quarkus-app/quarkus-run.jar}), each a child JVM on a free port,
 * all on the test JVM's real Kafka broker and real PostgreSQL (one fresh database each), all exporting their spans to
 * one OTLP receiver in the test JVM ({@link #spans}). Started once per JVM.
 */
final class Platform {

    static final List<String> SERVICES = List.of("ingest", "scoring", "routing", "notification");

    private static Platform instance;

    final Map<String, Integer> ports = new LinkedHashMap<>();
    final Map<String, Path> logs = new HashMap<>();
    /** Every span the services export (OTLP over HTTP, protobuf), batched every 100 ms. */
    final OtlpReceiver spans = new OtlpReceiver();
    private final List<Process> processes = new ArrayList<>();

    static synchronized Platform start(Map<String, Map<String, String>> extraEnv) {
        if (instance == null) {
            instance = new Platform();
            instance.launch(extraEnv);
        }
        return instance;
    }

    String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    private void launch(Map<String, Map<String, String>> extraEnv) {
        Path root = Path.of(System.getProperty("leadscore.root", "..")).toAbsolutePath();
        String bootstrap = KafkaBroker.bootstrapServers();
        PostgresServer pg = PostgresServer.get();
        Path key = extractVerificationKey();
        Path logDir = root.resolve("end-to-end/target/service-logs");
        try {
            Files.createDirectories(logDir);
            for (String service : SERVICES) {
                String database = "leadscore_e2e_" + service;
                pg.recreateDatabase(database);
                int port = freePort();
                ports.put(service, port);
                Map<String, String> env = new HashMap<>();
                env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
                env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
                env.put("QUARKUS_DATASOURCE_REACTIVE_URL", pg.reactiveUrl(database));
                env.put("QUARKUS_DATASOURCE_JDBC_URL", pg.jdbcUrl(database));
                env.put("QUARKUS_DATASOURCE_USERNAME", pg.user);
                env.put("QUARKUS_DATASOURCE_PASSWORD", pg.password);
                env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", key.toString());
                env.put("QUARKUS_LOG_CATEGORY__IO_OPENTELEMETRY__LEVEL", "OFF");
                env.put("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", spans.endpoint());
                env.put("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf");
                env.put("QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "100ms");
                env.putAll(extraEnv.getOrDefault(service, Map.of()));
                Path jar = root.resolve(service + "-service/target/quarkus-app/quarkus-run.jar");
                if (!Files.exists(jar)) {
                    throw new IllegalStateException(jar + " is missing: package the services first");
                }
                Path log = logDir.resolve(service + ".log");
                logs.put(service, log);
                ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString())
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                builder.environment().putAll(env);
                processes.add(builder.start());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "platform-shutdown"));
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        for (String service : SERVICES) {
            while (!ready(http, service)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(service + " did not become ready; see " + logs.get(service));
                }
                sleep(200);
            }
        }
    }

    private boolean ready(HttpClient http, String service) {
        try {
            var response = http.send(HttpRequest.newBuilder(URI.create(url(service) + "/q/health/ready")).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void stop() {
        for (Process p : processes) {
            p.destroy();
        }
        if (!logs.isEmpty()) {
            spans.writeTo(logs.values().iterator().next().resolveSibling("spans.txt"));
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
    }

    String log(String service) {
        try {
            return Files.readString(logs.get(service));
        } catch (IOException e) {
            return "";
        }
    }

    private static Path extractVerificationKey() {
        try (InputStream in = Tokens.class.getClassLoader().getResourceAsStream(Tokens.VERIFICATION_KEY_RESOURCE)) {
            Path file = Files.createTempFile("leadscore-e2e-key", ".pem");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
