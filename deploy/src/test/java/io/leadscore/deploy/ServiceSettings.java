package io.leadscore.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What one service reads from its configuration, taken from its sources: {@code application.properties} (default and
 * {@code %prod} profile), the {@code @ConfigMapping} interfaces and {@code @ConfigProperty} injections in its code and in
 * the shared {@code security} module it depends on, and the runtime settings of the Quarkus extensions in its pom.
 */
final class ServiceSettings {

    /**
     * Runtime settings of Quarkus extensions that the manifests may set although application.properties does not name
     * them, by the extension (artifactId in the service's pom) that reads them.
     */
    private static final Map<String, List<String>> EXTENSION_SETTINGS = Map.of(
            "quarkus-reactive-pg-client", List.of("quarkus.datasource.reactive.url", "quarkus.datasource.username",
                    "quarkus.datasource.password"),
            "quarkus-jdbc-postgresql", List.of("quarkus.datasource.jdbc.url", "quarkus.datasource.username",
                    "quarkus.datasource.password"),
            "quarkus-messaging-kafka", List.of("kafka.bootstrap.servers"),
            "quarkus-smallrye-jwt", List.of("mp.jwt.verify.publickey.location", "mp.jwt.verify.issuer"),
            "quarkus-opentelemetry", List.of("quarkus.otel.exporter.otlp.endpoint",
                    "quarkus.otel.exporter.otlp.traces.endpoint", "quarkus.otel.enabled"),
            "quarkus-mailer", List.of("quarkus.mailer.host", "quarkus.mailer.port", "quarkus.mailer.username",
                    "quarkus.mailer.password", "quarkus.mailer.from", "quarkus.mailer.start-tls", "quarkus.mailer.tls",
                    "quarkus.mailer.mock"));
    /** Core settings every Quarkus application reads at run time. */
    private static final List<String> CORE_SETTINGS = List.of("quarkus.shutdown.timeout", "quarkus.log.level",
            "quarkus.http.host");

    private static final Pattern CONFIG_MAPPING = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern CONFIG_PROPERTY = Pattern.compile(
            "@ConfigProperty\\(\\s*name\\s*=\\s*\"([^\"]+)\"(?:\\s*,\\s*defaultValue\\s*=\\s*\"([^\"]*)\")?\\s*\\)\\s*([\\w<>.]+)");
    private static final Pattern INTERFACE = Pattern.compile("interface\\s+(\\w+)[^{]*\\{");
    private static final Pattern METHOD = Pattern.compile(
            "((?:@\\w+(?:\\([^)]*\\))?\\s+)*)([\\w.]+(?:<[^;()]*>)?)\\s+(\\w+)\\(\\)\\s*;");
    private static final Pattern WITH_DEFAULT = Pattern.compile("@WithDefault\\(\"([^\"]*)\"\\)");
    private static final Pattern WITH_NAME = Pattern.compile("@WithName\\(\"([^\"]*)\"\\)");
    private static final Pattern ENV_NAME = Pattern
            .compile("(?<![A-Za-z0-9_])(_?[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)((?:/[A-Z0-9_]+)*)");

    /** A setting the code reads; {@code name} ends in {@code .*} (or contains it) for map keys. */
    record Setting(String name, String defaultValue, boolean optional, String source) {
    }

    final String service;
    final Map<String, String> properties;
    final Set<String> extensions;
    final List<Setting> settings = new ArrayList<>();
    final Set<String> documentedEnv;

    private ServiceSettings(String service) {
        this.service = service;
        Path dir = Repo.service(service);
        String propertiesText = read(dir.resolve("src/main/resources/application.properties"));
        this.properties = runtimeProperties(propertiesText);
        this.extensions = new LinkedHashSet<>(artifactIds(dir.resolve("pom.xml")));
        List<Path> sourceRoots = new ArrayList<>(List.of(dir.resolve("src/main/java")));
        if (extensions.contains("security")) {
            extensions.addAll(artifactIds(Repo.root().resolve("security/pom.xml")));
            sourceRoots.add(Repo.root().resolve("security/src/main/java"));
        }
        for (Path root : sourceRoots) {
            javaSources(root).forEach(source -> parseSource(source, read(source)));
        }
        this.documentedEnv = documentedEnvironment(propertiesText);
    }

    static ServiceSettings of(String service) {
        return new ServiceSettings(service);
    }

    /** Every property name the service reads, as written in properties files ({@code *} for a map key). */
    Set<String> knownProperties() {
        Set<String> known = new TreeSet<>(properties.keySet());
        settings.forEach(s -> known.add(s.name()));
        known.addAll(CORE_SETTINGS);
        EXTENSION_SETTINGS.forEach((extension, names) -> {
            if (extensions.contains(extension)) {
                known.addAll(names);
            }
        });
        return known;
    }

    /** Whether a property name (from a properties file) is one the service reads. */
    boolean knowsProperty(String name) {
        return knownProperties().stream().anyMatch(known -> matches(known, name));
    }

    /** Whether an environment variable maps to a property the service reads (MicroProfile Config's env rules). */
    boolean knowsEnv(String env) {
        return knownProperties().stream().anyMatch(known -> envPattern(known).matcher(env).matches());
    }

    /**
     * The environment variables a deployment must set: those application.properties says come from the environment,
     * settings whose default points at this machine (localhost), and optional settings without a default (credentials
     * and endpoints of outside providers).
     */
    Set<String> requiredEnv() {
        Set<String> required = new TreeSet<>(documentedEnv);
        for (Setting s : settings) {
            if (s.name().contains("*")) {
                continue;
            }
            boolean local = s.defaultValue() != null
                    && (s.defaultValue().contains("localhost") || s.defaultValue().contains("127.0.0.1"));
            boolean overriddenHere = properties.containsKey(s.name())
                    && !properties.get(s.name()).contains("localhost");
            if ((local && !overriddenHere) || (s.optional() && s.defaultValue() == null && !properties.containsKey(s.name()))) {
                required.add(env(s.name()));
            }
        }
        return required;
    }

    int httpPort() {
        return Integer.parseInt(properties.getOrDefault("quarkus.http.port", "8080"));
    }

    /** Consumer groups by incoming channel: group id and the topics the channel reads. */
    Map<String, List<String>> consumerGroups() {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        Pattern group = Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.group\\.id");
        properties.forEach((key, value) -> {
            Matcher m = group.matcher(key);
            if (m.matches()) {
                String channel = m.group(1);
                String topics = properties.getOrDefault("mp.messaging.incoming." + channel + ".topics",
                        properties.getOrDefault("mp.messaging.incoming." + channel + ".topic", channel));
                groups.put(value, Stream.of(topics.split(",")).map(String::trim).toList());
            }
        });
        return groups;
    }

    /** Every topic named in the service's messaging configuration. */
    Set<String> topics() {
        Set<String> topics = new TreeSet<>();
        properties.forEach((key, value) -> {
            if (key.startsWith("mp.messaging.") && (key.endsWith(".topic") || key.endsWith(".topics"))) {
                Stream.of(value.split(",")).map(String::trim).forEach(topics::add);
            }
        });
        return topics;
    }

    static String env(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static boolean matches(String known, String name) {
        if (!known.contains("*")) {
            return known.equals(name);
        }
        return name.matches(Pattern.quote(known).replace("*", "\\E[^.]+\\Q"));
    }

    private static Pattern envPattern(String known) {
        String[] parts = known.split("\\*", -1);
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append("[A-Z0-9_]+");
            }
            regex.append(Pattern.quote(env(parts[i])));
        }
        return Pattern.compile(regex.toString());
    }

    private Set<String> documentedEnvironment(String propertiesText) {
        Set<String> documented = new TreeSet<>();
        String previous = null;
        for (String line : propertiesText.lines().filter(l -> l.trim().startsWith("#")).toList()) {
            Matcher m = ENV_NAME.matcher(line);
            while (m.find()) {
                String name = m.group(1);
                String alternatives = m.group(2);
                if (!name.contains("_")) {
                    continue;
                }
                List<String> names = new ArrayList<>();
                if (name.startsWith("_")) {
                    if (previous == null) {
                        continue;
                    }
                    names.add(continuation(previous, name));
                } else {
                    names.add(name);
                    previous = name;
                }
                if (!alternatives.isEmpty()) {
                    String stem = name.substring(0, name.lastIndexOf('_') + 1);
                    Stream.of(alternatives.substring(1).split("/")).forEach(alt -> names.add(stem + alt));
                }
                documented.addAll(names);
            }
        }
        return documented;
    }

    /** {@code _ACCOUNT_SID} after {@code LEADSCORE_NOTIFICATION_SMS_BASE_URL}: the known setting sharing the stem. */
    private String continuation(String previous, String suffix) {
        String stem = previous;
        while (stem.contains("_")) {
            stem = stem.substring(0, stem.lastIndexOf('_'));
            if (knowsEnv(stem + suffix)) {
                return stem + suffix;
            }
        }
        return previous + suffix;
    }

    private void parseSource(Path source, String code) {
        // Comments out (block comments, and whole-line ones: a "//" inside a string, as in a URL, is not one).
        String text = code.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s*//.*$", "");
        Matcher property = CONFIG_PROPERTY.matcher(text);
        while (property.find()) {
            boolean optional = property.group(3).startsWith("Optional");
            settings.add(new Setting(property.group(1), property.group(2), optional, source.getFileName().toString()));
        }
        Matcher mapping = CONFIG_MAPPING.matcher(text);
        if (mapping.find()) {
            Map<String, String> bodies = interfaceBodies(text);
            Matcher top = INTERFACE.matcher(text);
            if (top.find(mapping.end())) {
                mappingInterface(top.group(1), mapping.group(1), bodies, source.getFileName().toString());
            }
        }
    }

    private void mappingInterface(String name, String prefix, Map<String, String> bodies, String source) {
        Matcher m = METHOD.matcher(bodies.get(name));
        while (m.find()) {
            String annotations = m.group(1);
            String type = m.group(2).trim();
            Matcher withName = WITH_NAME.matcher(annotations);
            Matcher withDefault = WITH_DEFAULT.matcher(annotations);
            String property = prefix + "." + (withName.find() ? withName.group(1) : kebab(m.group(3)));
            String defaultValue = withDefault.find() ? withDefault.group(1) : null;
            if (bodies.containsKey(type)) {
                mappingInterface(type, property, bodies, source);
            } else if (type.startsWith("Map<")) {
                String valueType = type.substring(type.lastIndexOf(',') + 1, type.length() - 1).trim();
                if (bodies.containsKey(valueType)) {
                    mappingInterface(valueType, property + ".*", bodies, source);
                } else {
                    settings.add(new Setting(property + ".*", null, true, source));
                }
            } else {
                settings.add(new Setting(property, defaultValue, type.startsWith("Optional"), source));
            }
        }
    }

    /** Each interface's own body, without the bodies of interfaces nested in it. */
    private static Map<String, String> interfaceBodies(String code) {
        Map<String, String> bodies = new LinkedHashMap<>();
        Matcher m = INTERFACE.matcher(code);
        while (m.find()) {
            int open = m.end() - 1;
            int close = matchingBrace(code, open);
            String body = code.substring(open + 1, close);
            Matcher nested = INTERFACE.matcher(body);
            StringBuilder own = new StringBuilder();
            int at = 0;
            while (nested.find(at)) {
                own.append(body, at, nested.start());
                at = matchingBrace(body, nested.end() - 1) + 1;
            }
            own.append(body.substring(at));
            bodies.put(m.group(1), own.toString());
        }
        return bodies;
    }

    private static int matchingBrace(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalStateException("unbalanced braces");
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static Map<String, String> runtimeProperties(String text) {
        Properties loaded = new Properties();
        try {
            loaded.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        loaded.stringPropertyNames().stream().sorted().forEach(key -> {
            if (!key.startsWith("%")) {
                properties.putIfAbsent(key, loaded.getProperty(key));
            }
        });
        loaded.stringPropertyNames().stream().filter(k -> k.startsWith("%prod."))
                .forEach(key -> properties.put(key.substring("%prod.".length()), loaded.getProperty(key)));
        return properties;
    }

    private static List<String> artifactIds(Path pom) {
        List<String> ids = new ArrayList<>();
        Matcher m = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(read(pom));
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    private static List<Path> javaSources(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Optional<Setting> setting(String name) {
        return settings.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
