package dev.signet.hsm;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.signet.hsm.archfixture.CleanApi;
import dev.signet.hsm.archfixture.LeakyApi;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.spec.KeySpec;
import java.util.List;
import java.util.Set;
import javax.crypto.SecretKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/**
 * The boundary's promise in code: no public (or protected) method, constructor or field of a public
 * type in {@code dev.signet.hsm..} takes or returns a private key, a secret key, a key pair, a key
 * store, a key spec or Bouncy Castle's lightweight key parameters, not even inside a generic type
 * such as {@code List<PrivateKey>}. Public keys are allowed: they are not secret.
 */
class KeyMaterialBoundaryTest {

    private static final List<Class<?>> FORBIDDEN = List.of(PrivateKey.class, SecretKey.class, KeyPair.class,
            KeyStore.class, KeyStore.Entry.class, KeySpec.class, PrivateKeyInfo.class, AsymmetricKeyParameter.class,
            KeyParameter.class);

    static final ArchRule NO_KEY_MATERIAL_IN_PUBLIC_API = classes()
            .that().arePublic().and().resideInAPackage("dev.signet.hsm..")
            .should(new ArchCondition<JavaClass>("not take or return key material in any public member") {
                @Override
                public void check(JavaClass type, ConditionEvents events) {
                    for (JavaCodeUnit member : type.getCodeUnits()) {
                        if (!visible(member.getModifiers())) {
                            continue;
                        }
                        report(events, member.getFullName() + " returns", member.getReturnType());
                        for (JavaType parameter : member.getParameterTypes()) {
                            report(events, member.getFullName() + " takes", parameter);
                        }
                    }
                    for (JavaField field : type.getFields()) {
                        if (visible(field.getModifiers())) {
                            report(events, "field " + field.getFullName() + " holds", field.getType());
                        }
                    }
                }
            });

    private static boolean visible(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }

    private static void report(ConditionEvents events, String where, JavaType type) {
        for (JavaClass raw : type.getAllInvolvedRawTypes()) {
            JavaClass base = raw.isArray() ? raw.getBaseComponentType() : raw;
            boolean forbidden = base.isEquivalentTo(Key.class) || FORBIDDEN.stream().anyMatch(base::isAssignableTo);
            if (forbidden) {
                events.add(SimpleConditionEvent.violated(type, where + " key material " + type.getName()));
            }
        }
    }

    @Test
    void no_public_member_of_the_module_exposes_key_material() {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.signet.hsm");
        assertTrue(production.contain(SoftwareHsmClassName.NAME), "the import must see the backends too");
        NO_KEY_MATERIAL_IN_PUBLIC_API.check(production);
    }

    @Test
    void the_rule_catches_every_kind_of_leak_in_a_fixture() {
        JavaClasses fixture = new ClassFileImporter().importClasses(LeakyApi.class, LeakyApi.Nested.class);

        EvaluationResult result = NO_KEY_MATERIAL_IN_PUBLIC_API.evaluate(fixture);

        String report = String.join("\n", result.getFailureReport().getDetails());
        List<String> expected = List.of("returnsPrivateKey", "returnsEcPrivateKey", "takesSecretKeySpec", "returnsKeyPair",
                "takesKeyStore", "returnsListOfPrivateKeys", "returnsRawKey", "takesPkcs8Spec", "returnsSecretKeyArray",
                "LeakyApi.<init>", "LeakyApi.exposedKey", "protectedLeak", "Nested.leak");
        List<String> missed = expected.stream().filter(name -> !report.contains(name)).toList();
        assertEquals(List.of(), missed, "the rule did not report these leaks; report was:\n" + report);
        assertEquals(expected.size(), result.getFailureReport().getDetails().size(), report);
    }

    @Test
    void the_rule_accepts_public_keys_handles_and_data() {
        JavaClasses fixture = new ClassFileImporter().importClasses(CleanApi.class);
        NO_KEY_MATERIAL_IN_PUBLIC_API.check(fixture);
    }

    /** Named by string so this test does not depend on the backend's package-private types. */
    private static final class SoftwareHsmClassName {
        static final String NAME = "dev.signet.hsm.software.SoftwareHsm";
    }
}
