package io.leadscore.localstack;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import io.leadscore.contracts.Topics;

/**
 * Creates what the services need before they start: one database per service and every topic named in
 * {@code contracts}. Safe to run again: what exists is left alone.
 *
 * <p>
 * Usage: {@code SetupMain <kafka-bootstrap> <pg-host> <pg-port> <pg-user> <pg-password> <database>...}
 */
public final class SetupMain {

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private SetupMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 6) {
            System.err.println("usage: SetupMain <kafka-bootstrap> <pg-host> <pg-port> <pg-user> <pg-password> <database>...");
            System.exit(2);
        }
        createTopics(args[0]);
        String url = "jdbc:postgresql://" + args[1] + ":" + args[2] + "/postgres";
        createDatabases(url, args[3], args[4], List.of(args).subList(5, args.length));
    }

    static void createTopics(String bootstrap) throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> existing = admin.listTopics().names().get();
            for (Topics.TopicSpec spec : Topics.ALL) {
                if (existing.contains(spec.name())) {
                    continue;
                }
                try {
                    NewTopic topic = new NewTopic(spec.name(), spec.partitions(), (short) 1)
                            .configs(spec.compacted() ? Map.of("cleanup.policy", "compact") : Map.of());
                    admin.createTopics(List.of(topic)).all().get();
                    System.out.println("created topic " + spec.name() + " (" + spec.partitions() + " partitions)");
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    static void createDatabases(String url, String user, String password, List<String> databases) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            for (String db : databases) {
                if (!DATABASE_NAME.matcher(db).matches()) {
                    throw new IllegalArgumentException("Not a safe database name: " + db);
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                    ps.setString(1, db);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            continue;
                        }
                    }
                }
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + db);
                    System.out.println("created database " + db);
                }
            }
        }
    }
}
