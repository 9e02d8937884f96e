package dev.signet.web;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * Each module's public API is the types in its root package ({@code dev.signet.hsm},
 * {@code dev.signet.ca}, {@code dev.signet.signing}); its sub-packages are its own business, and no
 * other module's production code depends on them. Tests may look inside.
 */
class ModulesUseOnlyPublicApisTest {

    static final ArchRule HSM_INTERNALS_STAY_INSIDE = noClasses()
            .that().resideOutsideOfPackage("dev.signet.hsm..")
            .should().dependOnClassesThat(resideInAPackage("dev.signet.hsm.*.."))
            .because("the HSM backend's API is the types in dev.signet.hsm");

    static final ArchRule CA_INTERNALS_STAY_INSIDE = noClasses()
            .that().resideOutsideOfPackage("dev.signet.ca..")
            .should().dependOnClassesThat(resideInAPackage("dev.signet.ca.*.."))
            .because("the CA core's API is the types in dev.signet.ca");

    static final ArchRule SIGNING_INTERNALS_STAY_INSIDE = noClasses()
            .that().resideOutsideOfPackage("dev.signet.signing..")
            .should().dependOnClassesThat(resideInAPackage("dev.signet.signing.*.."))
            .because("the signing module's API is the types in dev.signet.signing");

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.signet");

    @Test
    void no_module_depends_on_the_hsm_backends_sub_packages() {
        HSM_INTERNALS_STAY_INSIDE.check(PRODUCTION);
    }

    @Test
    void no_module_depends_on_the_ca_cores_sub_packages() {
        CA_INTERNALS_STAY_INSIDE.check(PRODUCTION);
    }

    @Test
    void no_module_depends_on_the_signing_modules_sub_packages() {
        SIGNING_INTERNALS_STAY_INSIDE.check(PRODUCTION);
    }

    @Test
    void the_rules_see_every_module() {
        for (String root : new String[] {"dev.signet.hsm", "dev.signet.ca", "dev.signet.signing", "dev.signet.web"}) {
            if (PRODUCTION.stream().noneMatch(c -> c.getPackageName().equals(root))) {
                throw new AssertionError("no production classes imported from " + root + ": the rules would pass vacuously");
            }
        }
    }
}
