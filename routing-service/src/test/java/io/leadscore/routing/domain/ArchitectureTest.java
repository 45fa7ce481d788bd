package io.leadscore.routing.domain;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** Routing decisions are plain Java: no framework underneath, no clock or randomness inside, no adapter imported. */
class ArchitectureTest {

    private static final JavaClasses DOMAIN = new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            .importPath(mainClassesDirectory().resolve("io/leadscore/routing/domain"));

    private static Path mainClassesDirectory() {
        try {
            return Path.of(LeadRouter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void importsTheDomainItself() {
        assertTrue(DOMAIN.contain(LeadRouter.class) && DOMAIN.contain(StageEngine.class)
                && DOMAIN.contain(io.leadscore.routing.domain.policy.PolicyParser.class)
                && DOMAIN.contain(io.leadscore.routing.domain.owner.OwnerAssignment.class));
        assertTrue(DOMAIN.stream().allMatch(c -> c.getPackageName().startsWith("io.leadscore.routing.domain")));
        assertTrue(!DOMAIN.contain(ArchitectureTest.class), "tests are not part of the checked code");
    }

    @Test
    void dependsOnNoFrameworkAndNoAdapter() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "javax..",
                "io.vertx..", "io.smallrye..", "org.eclipse.microprofile..", "com.fasterxml..", "org.hibernate..",
                "org.apache.kafka..", "io.micrometer..", "io.opentelemetry..", "io.leadscore.contracts..",
                "io.leadscore.security..", "io.leadscore.routing.lead..", "io.leadscore.routing.owner..",
                "io.leadscore.routing.policy..", "io.leadscore.routing.outbox..", "io.leadscore.routing.api..",
                "io.leadscore.routing.config..")
                .because("decisions are framework-free; adapters live outside the domain package")
                .check(DOMAIN);
    }

    @Test
    void neverReadsTheClockOrDrawsRandomNumbers() {
        noClasses().should().callMethod(Instant.class, "now")
                .orShould().callMethod(Instant.class, "now", Clock.class)
                .orShould().callMethod(LocalDate.class, "now")
                .orShould().callMethod(LocalDateTime.class, "now")
                .orShould().callMethod(ZonedDateTime.class, "now")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Math.class, "random")
                .orShould().callMethod(UUID.class, "randomUUID")
                .orShould().dependOnClassesThat().areAssignableTo(Clock.class)
                .orShould().dependOnClassesThat().areAssignableTo(Random.class)
                .because("time comes in as a parameter and decisions must be reproducible")
                .check(DOMAIN);
    }
}
