package io.leadscore.notification;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** Alert decisions, content, quiet hours, back-off, URL rules and signatures stay plain, deterministic Java. */
class DomainIsFrameworkFreeTest {

    @Test
    void theDomainImportsNoFramework() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.leadscore.notification.domain");
        noClasses().that().resideInAPackage("io.leadscore.notification.domain..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "io.vertx..",
                        "io.smallrye..", "org.eclipse.microprofile..")
                .check(classes);
    }
}
