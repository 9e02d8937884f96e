package dev.signet.hsm.pkcs11;

import dev.signet.hsm.KeyPurpose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.HsmException;
import dev.signet.hsm.SignatureAlgorithm;
import dev.signet.hsm.SignedObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Reads the keys' attributes back from the token with OpenSC's {@code pkcs11-tool}, another
 * program in another process, so the check does not go through {@link Pkcs11Hsm}'s own code:
 * <ul>
 *   <li>CKA_TOKEN: another process sees the key at all (session objects are private to the
 *       process that made them);</li>
 *   <li>CKA_PRIVATE: without login the private or secret key is invisible, with login it is there;</li>
 *   <li>CKA_SENSITIVE and CKA_EXTRACTABLE: the "Access" line says sensitive and never extractable,
 *       and not extractable;</li>
 *   <li>the policy: the "Usage" line lists exactly the operations the policy allows.</li>
 * </ul>
 */
class Pkcs11TokenAttributesTest {

    private record Expected(String label, KeyAlgorithm algorithm, String usage) {
    }

    /** One object as pkcs11-tool prints it: a header line, then indented "name: value" lines. */
    private record ToolObject(String header, Map<String, String> fields) {
        String label() {
            return fields.getOrDefault("label", "");
        }

        boolean isPrivateOrSecretKey() {
            return header.startsWith("Private Key Object") || header.startsWith("Secret Key Object");
        }

        boolean isPublicKey() {
            return header.startsWith("Public Key Object");
        }

        Set<String> list(String field) {
            return Arrays.stream(fields.getOrDefault(field, "").split(","))
                    .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        }
    }

    @Test
    void every_key_type_is_a_private_sensitive_never_extractable_token_object_limited_to_its_policy() {
        List<Expected> expected = new ArrayList<>();
        try (Pkcs11Hsm hsm = Pkcs11Hsm.open(SoftHsm2TestToken.config(1))) {
            // Every signing purpose on every asymmetric algorithm would be 30 keys; rotating the
            // purposes over the algorithms covers each purpose and each algorithm.
            List<KeyPurpose> signing = Arrays.stream(KeyPurpose.values()).filter(p -> !p.isSymmetric()).toList();
            int i = 0;
            for (KeyAlgorithm a : KeyAlgorithm.values()) {
                if (a.isSymmetric()) {
                    continue;
                }
                KeyPurpose purpose = signing.get(i++ % signing.size());
                String label = SoftHsm2TestToken.uniqueLabel("attrs-" + a);
                hsm.generate(label, a, purpose);
                expected.add(new Expected(purpose + ":" + label, a, "sign"));
            }
            String label = SoftHsm2TestToken.uniqueLabel("attrs-AES_256");
            hsm.generate(label, KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION);
            expected.add(new Expected("DATA_ENCRYPTION:" + label, KeyAlgorithm.AES_256, "encrypt, decrypt"));
        }

        List<ToolObject> loggedIn = listObjects(true);
        List<ToolObject> anonymous = listObjects(false);

        List<String> failures = new ArrayList<>();
        for (Expected e : expected) {
            List<ToolObject> keys = loggedIn.stream()
                    .filter(o -> o.isPrivateOrSecretKey() && o.label().equals(e.label())).toList();
            if (keys.size() != 1) {
                failures.add(e.algorithm() + ": pkcs11-tool (another process, logged in) sees " + keys.size()
                        + " private/secret keys labelled " + e.label() + " (not a token object?)");
                continue;
            }
            ToolObject key = keys.get(0);
            Set<String> access = key.list("Access");
            if (!access.contains("sensitive") || !access.contains("always sensitive")) {
                failures.add(e.algorithm() + ": not sensitive; Access: " + access);
            }
            if (!access.contains("never extractable") || access.contains("extractable")) {
                failures.add(e.algorithm() + ": extractable; Access: " + access);
            }
            String usage = key.fields().getOrDefault("Usage", "").strip();
            if (!usage.equals(e.usage())) {
                failures.add(e.algorithm() + ": Usage is '" + usage + "', the policy allows '" + e.usage() + "'");
            }
            if (anonymous.stream().anyMatch(o -> o.isPrivateOrSecretKey() && o.label().equals(e.label()))) {
                failures.add(e.algorithm() + ": visible without login (CKA_PRIVATE is not true)");
            }
            if (!e.algorithm().isSymmetric()
                    && anonymous.stream().noneMatch(o -> o.isPublicKey() && o.label().equals(e.label()))) {
                failures.add(e.algorithm() + ": its public key is not visible without login, so the"
                        + " anonymous listing proves nothing");
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(expected.size() >= 7, "every key type was checked");
    }

    /**
     * What a key is for, read back by pkcs11-tool (another program): the CKA_LABEL says
     * {@code PURPOSE:label} and the Usage line says what the token lets the key do. A key made
     * before purposes (bare label, as the earlier layout wrote it) gets its purpose from the upgrade
     * as a data object the tool shows beside it, and keeps it across a reopen.
     */
    @Test
    void pkcs11_tool_reads_each_keys_purpose_back_from_the_token_including_an_upgraded_old_key() throws Exception {
        String fresh = SoftHsm2TestToken.uniqueLabel("ca-purpose");
        String old = SoftHsm2TestToken.uniqueLabel("ca-before-purposes");
        try (Pkcs11Hsm hsm = Pkcs11Hsm.open(SoftHsm2TestToken.config(1));
                DirectTokenSigner direct = new DirectTokenSigner(SoftHsm2TestToken.config(1))) {
            hsm.generate(fresh, KeyAlgorithm.EC_P256, KeyPurpose.CA);
            direct.generate(KeyAlgorithm.EC_P256, old); // the pre-purpose layout: CKA_LABEL is the bare label
            assertEquals(null, hsm.get(old).purpose());
            assertThrows(HsmException.PurposeMismatch.class, () -> hsm.sign(hsm.get(old), SignedObject.CERTIFICATE,
                    SignatureAlgorithm.ECDSA_SHA256, new byte[8]));

            hsm.assignPurpose(old, KeyPurpose.CA);

            List<ToolObject> objects = listObjects(true);
            ToolObject freshKey = objects.stream().filter(o -> o.isPrivateOrSecretKey() && o.label().equals("CA:" + fresh))
                    .findFirst().orElseThrow(() -> new AssertionError("pkcs11-tool shows no key labelled CA:" + fresh));
            assertEquals("sign", freshKey.fields().getOrDefault("Usage", "").strip());
            ToolObject marker = objects.stream().filter(o -> o.header().startsWith("Data object") && o.label().equals("CA:" + old))
                    .findFirst().orElseThrow(() -> new AssertionError("pkcs11-tool shows no purpose object CA:" + old
                            + " among " + objects));
            assertEquals(KeyTemplates.PURPOSE_APPLICATION, marker.fields().getOrDefault("application", "").strip());
            assertTrue(objects.stream().anyMatch(o -> o.isPrivateOrSecretKey() && o.label().equals(old)), "the old key is still there");

            try (Pkcs11Hsm reopened = Pkcs11Hsm.open(SoftHsm2TestToken.config(1))) {
                assertEquals(KeyPurpose.CA, reopened.get(old).purpose());
                assertEquals(KeyPurpose.CA, reopened.get(fresh).purpose());
                reopened.sign(reopened.get(old), SignedObject.CERTIFICATE, SignatureAlgorithm.ECDSA_SHA256, new byte[8]);
                assertThrows(HsmException.PurposeMismatch.class, () -> reopened.sign(reopened.get(old),
                        SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ECDSA_SHA256, new byte[8]));
                assertThrows(HsmException.PurposeMismatch.class, () -> reopened.assignPurpose(old, KeyPurpose.DOCUMENT));
                reopened.destroy(reopened.get(fresh));
            }
        }
    }

    private static List<ToolObject> listObjects(boolean login) {
        List<String> command = new ArrayList<>(List.of("pkcs11-tool", "--module", SoftHsm2TestToken.LIBRARY.toString(),
                "--token-label", SoftHsm2TestToken.TOKEN_LABEL, "--list-objects"));
        if (login) {
            command.addAll(List.of("--login", "--pin", SoftHsm2TestToken.USER_PIN));
        }
        // The child inherits SOFTHSM2_CONF from this JVM's environment (set by Surefire).
        SoftHsm2TestToken.ProcessResult r = SoftHsm2TestToken.runStdoutOnly(Map.of(), command.toArray(String[]::new));
        if (r.exitCode() != 0) {
            throw new AssertionError("pkcs11-tool failed (" + r.exitCode() + "): " + r.output());
        }
        return parse(r.output());
    }

    private static List<ToolObject> parse(String output) {
        List<ToolObject> objects = new ArrayList<>();
        String header = null;
        Map<String, String> fields = null;
        for (String line : output.split("\n")) {
            if (line.endsWith(" Object") || line.contains(" Object; ") || line.startsWith("Data object")) {
                if (header != null) {
                    objects.add(new ToolObject(header, fields));
                }
                header = line.strip();
                fields = new LinkedHashMap<>();
            } else if (header != null && line.startsWith("  ") && line.contains(":")) {
                int colon = line.indexOf(':');
                String value = line.substring(colon + 1).strip();
                if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
                    value = value.substring(1, value.length() - 1); // data objects quote their strings
                }
                fields.putIfAbsent(line.substring(0, colon).strip(), value);
            }
        }
        if (header != null) {
            objects.add(new ToolObject(header, fields));
        }
        return objects;
    }
}
