package dev.signet.ca;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The CA core never holds the HSM: it gets purpose-scoped keys and signers from the wiring code in
 * {@code web}, so nothing here can sign with a key that is not its own or for another purpose.
 */
class HsmOutOfTheDomainTest {

    /** The types that reach keys without a purpose scope. */
    static final ArchRule NO_UNSCOPED_KEY_ACCESS = noClasses().that().resideInAPackage("dev.signet.ca..")
            .should().dependOnClassesThat().haveFullyQualifiedName("dev.signet.hsm.Hsm")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.signet.hsm.Hsms")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.signet.hsm.HsmContentSigner")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.signet.hsm.HandleIssuer")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.signet.hsm.KeyHandle")
            .orShould().dependOnClassesThat().resideInAnyPackage("dev.signet.hsm.software..", "dev.signet.hsm.pkcs11..")
            .because("modules get ScopedSigner / SigningKeys / EncryptionKeys from the wiring code (issue 8)");

    @Test
    void ca_core_reaches_keys_only_through_purpose_scoped_signers() {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.signet.ca");
        NO_UNSCOPED_KEY_ACCESS.check(production);
    }
}
