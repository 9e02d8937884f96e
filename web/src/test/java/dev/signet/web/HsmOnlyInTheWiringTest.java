package dev.signet.web;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.Hsms;
import org.junit.jupiter.api.Test;

/**
 * Only the composition root holds the HSM (issue 8): {@link Services} opens it and hands out keys of
 * one purpose; {@link MeteredHsm} wraps it, {@link KeyInventory} lists it read-only and
 * {@link KeyPurposeUpgrade} upgrades old keys. Everything else in {@code web}, and all of
 * {@code ca-core} and {@code signing}, reaches keys only through ScopedSigner, SigningKeys and
 * EncryptionKeys, so no code can sign with a key for something the key is not for.
 */
class HsmOnlyInTheWiringTest {

    static final ArchRule ONLY_THE_WIRING_HOLDS_THE_HSM = noClasses()
            .that().resideInAnyPackage("dev.signet.web..", "dev.signet.ca..", "dev.signet.signing..")
            .and().doNotHaveFullyQualifiedName(Services.class.getName())
            .and().doNotHaveFullyQualifiedName(MeteredHsm.class.getName())
            .and().doNotHaveFullyQualifiedName(KeyInventory.class.getName())
            .and().doNotHaveFullyQualifiedName(KeyPurposeUpgrade.class.getName())
            .should().dependOnClassesThat().haveFullyQualifiedName("dev.signet.hsm.Hsm")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.signet.hsm.HsmContentSigner")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.signet.hsm.HandleIssuer")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.signet.hsm.KeyHandle")
            .orShould().dependOnClassesThat().resideInAnyPackage("dev.signet.hsm.software..", "dev.signet.hsm.pkcs11..")
            .orShould().callMethod(Hsms.class, "open", HsmConfig.class)
            .because("modules get purpose-scoped signers and keys from the wiring code, never the Hsm (issue 8)");

    @Test
    void only_the_wiring_code_holds_the_hsm_and_everything_else_gets_purpose_scoped_keys() {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.signet.web", "dev.signet.ca", "dev.signet.signing");
        ONLY_THE_WIRING_HOLDS_THE_HSM.check(production);
    }
}
