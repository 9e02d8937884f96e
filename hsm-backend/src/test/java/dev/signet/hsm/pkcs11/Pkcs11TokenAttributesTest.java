package dev.signet.hsm.pkcs11;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyOperation;
import dev.signet.hsm.KeyPolicy;
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
            for (KeyAlgorithm a : KeyAlgorithm.values()) {
                if (a.isSymmetric()) {
                    continue;
                }
                String label = SoftHsm2TestToken.uniqueLabel("attrs-" + a);
                hsm.generate(label, a, KeyPolicy.signOnly());
                expected.add(new Expected(label, a, "sign"));
            }
            Map<KeyPolicy, String> aesPolicies = new LinkedHashMap<>();
            aesPolicies.put(KeyPolicy.sealing(), "encrypt, decrypt");
            aesPolicies.put(KeyPolicy.of(KeyOperation.ENCRYPT), "encrypt");
            aesPolicies.put(KeyPolicy.of(KeyOperation.DECRYPT), "decrypt");
            for (Map.Entry<KeyPolicy, String> p : aesPolicies.entrySet()) {
                String label = SoftHsm2TestToken.uniqueLabel("attrs-AES_256");
                hsm.generate(label, KeyAlgorithm.AES_256, p.getKey());
                expected.add(new Expected(label, KeyAlgorithm.AES_256, p.getValue()));
            }
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
        assertTrue(expected.size() >= 9, "every key type was checked");
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
            if (line.endsWith(" Object") || line.contains(" Object; ")) {
                if (header != null) {
                    objects.add(new ToolObject(header, fields));
                }
                header = line.strip();
                fields = new LinkedHashMap<>();
            } else if (header != null && line.startsWith("  ") && line.contains(":")) {
                int colon = line.indexOf(':');
                fields.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        if (header != null) {
            objects.add(new ToolObject(header, fields));
        }
        return objects;
    }
}
