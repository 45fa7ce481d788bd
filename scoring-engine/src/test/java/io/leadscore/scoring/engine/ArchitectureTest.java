package io.leadscore.scoring.engine;

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

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** The engine is the same function everywhere: no framework underneath, no clock or randomness inside. */
class ArchitectureTest {

    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            // The engine's own output directory: scanning the whole class path for the package costs seconds.
            .importPath(mainClassesDirectory());

    private static Path mainClassesDirectory() {
        try {
            return Path.of(Scorer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void importsTheEngineItself() {
        assertTrue(ENGINE.contain(Scorer.class) && ENGINE.contain(io.leadscore.scoring.engine.model.ModelParser.class));
        assertTrue(ENGINE.stream().allMatch(c -> c.getPackageName().startsWith("io.leadscore.scoring.engine")));
        assertTrue(!ENGINE.contain(ArchitectureTest.class), "tests are not part of the checked code");
    }

    @Test
    void dependsOnNoFramework() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "javax..",
                "io.vertx..", "io.smallrye..", "org.eclipse.microprofile..", "com.fasterxml..")
                .because("the engine is framework-free; adapters live in the services")
                .check(ENGINE);
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
                .orShould().dependOnClassesThat().areAssignableTo(Clock.class)
                .orShould().dependOnClassesThat().areAssignableTo(Random.class)
                .because("time comes in as a parameter and results must be reproducible")
                .check(ENGINE);
    }
}
