package io.leadscore.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where things are in the repository, found from the module's working directory or the build's root. */
final class Repo {

    static final List<String> SERVICES = List.of("ingest-service", "scoring-service", "routing-service",
            "notification-service");
    static final List<String> OVERLAYS = List.of("dev", "prod");

    private Repo() {
    }

    static Path root() {
        String configured = System.getProperty("leadscore.root");
        Path root = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of("").toAbsolutePath().getParent();
        if (!Files.isRegularFile(root.resolve("deploy/k8s/base/kustomization.yaml"))) {
            throw new IllegalStateException("not the Leadscore repository root: " + root);
        }
        return root;
    }

    static Path overlay(String name) {
        return root().resolve("deploy/k8s/overlays").resolve(name);
    }

    static Path service(String name) {
        return root().resolve(name);
    }
}
