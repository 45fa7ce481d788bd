package io.leadscore.testing;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a service's {@code @QuarkusTest}s a real Kafka broker and a real, freshly created PostgreSQL database. Use with
 * {@code @WithTestResource(value = LeadscoreInfra.class, initArgs = @ResourceArg(name = "database", value = "..."))}.
 */
public class LeadscoreInfra implements QuarkusTestResourceLifecycleManager {

    private String database;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", "leadscore_test");
    }

    @Override
    public Map<String, String> start() {
        String bootstrap = KafkaBroker.bootstrapServers();
        PostgresServer pg = PostgresServer.get();
        pg.recreateDatabase(database);

        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", bootstrap);
        config.put("quarkus.datasource.reactive.url", pg.reactiveUrl(database));
        config.put("quarkus.datasource.jdbc.url", pg.jdbcUrl(database));
        config.put("quarkus.datasource.username", pg.user);
        config.put("quarkus.datasource.password", pg.password);
        config.put("mp.jwt.verify.publickey.location", Tokens.VERIFICATION_KEY_RESOURCE);
        config.put("mp.jwt.verify.issuer", Tokens.ISSUER);
        return config;
    }

    @Override
    public void stop() {
        // The broker and the database server are shared by every test class of the JVM and stop with it.
    }
}
