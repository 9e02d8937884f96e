package dev.signet.hsm.software;

import dev.signet.hsm.HandleIssuer;
import dev.signet.hsm.SignedObject;
import dev.signet.hsm.KeyPurpose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.hsm.Hsm;
import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.HsmException;
import dev.signet.hsm.Hsms;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyHandle;
import dev.signet.hsm.KeyInfo;
import dev.signet.hsm.KeyPolicy;
import dev.signet.hsm.SecretSource;
import dev.signet.hsm.SignatureAlgorithm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the software backend promises: sealed files, the passphrase, the directory on disk. */
class SoftwareHsmTest {

    private static final MasterKey.KdfParams CHEAP_KDF = new MasterKey.KdfParams(10, 8, 1);
    private static final String PASSPHRASE = "correct horse battery staple 4711";
    private static final String WRONG_PASSPHRASE = "incorrect donkey battery staple 0815";
    private static final byte[] NO_AAD = new byte[0];
    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path temp;

    private Path dir() {
        return temp.resolve("hsm");
    }

    private static SecretSource passphrase(String value) {
        return new SecretSource.Env("SIGNET_HSM_PASSPHRASE", Map.of("SIGNET_HSM_PASSPHRASE", value));
    }

    private SoftwareHsm open() {
        return SoftwareHsm.open(dir(), passphrase(PASSPHRASE), CHEAP_KDF);
    }

    private Path keyFile(String label) {
        return dir().resolve("keys").resolve(label + ".key");
    }

    @Test
    void a_wrong_passphrase_is_refused_at_open_and_the_right_one_still_works() {
        // The default scrypt cost, as a real deployment gets it.
        try (SoftwareHsm hsm = SoftwareHsm.open(dir(), passphrase(PASSPHRASE))) {
            hsm.generate("ca", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
        }

        HsmException.KeyIntegrity e = assertThrows(HsmException.KeyIntegrity.class,
                () -> SoftwareHsm.open(dir(), passphrase(WRONG_PASSPHRASE)));

        assertTrue(e.getMessage().contains("wrong passphrase"), e.getMessage());
        try (SoftwareHsm hsm = SoftwareHsm.open(dir(), passphrase(PASSPHRASE))) {
            assertEquals(List.of("ca"), hsm.list().stream().map(KeyInfo::label).toList());
        }
    }

    @Test
    void the_metadata_records_scrypt_parameters_and_a_fresh_salt_per_directory() throws IOException {
        SoftwareHsm.open(temp.resolve("one"), passphrase(PASSPHRASE)).close();
        SoftwareHsm.open(temp.resolve("two"), passphrase(PASSPHRASE)).close();

        Properties one = metadata(temp.resolve("one"));
        Properties two = metadata(temp.resolve("two"));

        assertEquals("scrypt", one.getProperty("kdf"));
        assertEquals("15", one.getProperty("kdf.log2N"));
        assertEquals("8", one.getProperty("kdf.r"));
        assertEquals("1", one.getProperty("kdf.p"));
        assertEquals(32, java.util.Base64.getDecoder().decode(one.getProperty("salt")).length);
        assertNotEquals(one.getProperty("salt"), two.getProperty("salt"));
        assertNotEquals(one.getProperty("check"), two.getProperty("check"));
    }

    @Test
    void edited_kdf_parameters_or_salt_are_detected_at_open() throws IOException {
        open().close();
        Path meta = dir().resolve("hsm.properties");
        String original = Files.readString(meta);
        List<String> failures = new ArrayList<>();
        for (String[] edit : new String[][] {{"kdf.log2N=10", "kdf.log2N=11"}, {"kdf.r=8", "kdf.r=9"}, {"salt=", "salt=AAAA"}}) {
            Files.writeString(meta, original.replace(edit[0], edit[1]));
            try {
                open().close();
                failures.add(edit[1] + " was accepted");
            } catch (HsmException.KeyIntegrity expected) {
                // detected
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void every_flipped_byte_of_a_key_file_is_reported_as_an_integrity_error_naming_the_key() throws Exception {
        try (SoftwareHsm hsm = open()) {
            victimHandle = hsm.generate("victim", KeyAlgorithm.ED25519, KeyPurpose.DOCUMENT);
        }
        byte[] original = Files.readAllBytes(keyFile("victim"));
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < original.length; i++) {
            byte[] tampered = original.clone();
            tampered[i] ^= 0x04;
            Files.write(keyFile("victim"), tampered);
            String problem = integrityProblem("victim");
            if (problem != null) {
                failures.add("byte " + i + ": " + problem);
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void every_truncation_of_a_key_file_is_reported_as_an_integrity_error_naming_the_key() throws Exception {
        try (SoftwareHsm hsm = open()) {
            victimHandle = hsm.generate("victim", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
        }
        byte[] original = Files.readAllBytes(keyFile("victim"));
        List<String> failures = new ArrayList<>();
        for (int length = 0; length < original.length; length++) {
            Files.write(keyFile("victim"), Arrays.copyOf(original, length));
            String problem = integrityProblem("victim");
            if (problem != null) {
                failures.add("length " + length + ": " + problem);
            }
        }
        assertEquals(List.of(), failures);
    }

    /** The handle of the key the damage tests damage (handles stay good across a reopen). */
    private KeyHandle victimHandle;

    /** Opens the backend and checks that the damaged key fails with a KeyIntegrity error naming it; null if so. */
    private String integrityProblem(String label) {
        try (SoftwareHsm hsm = open()) {
            KeyHandle handle = victimHandle;
            for (Runnable use : List.<Runnable>of(() -> hsm.find(label), () -> hsm.sign(handle, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ED25519, MESSAGE))) {
                try {
                    use.run();
                    return "the damaged key was usable";
                } catch (HsmException.KeyIntegrity e) {
                    if (!e.getMessage().contains("'" + label + "'")) {
                        return "the error does not name the key: " + e.getMessage();
                    }
                }
            }
            if (hsm.list().stream().anyMatch(k -> k.label().equals(label))) {
                return "the damaged key is listed";
            }
            return null;
        } catch (RuntimeException e) {
            return "unexpected " + e;
        }
    }

    @Test
    void a_damaged_key_keeps_its_label_until_destroyed_and_the_other_keys_keep_working() throws Exception {
        KeyHandle victim;
        KeyHandle bystander;
        try (SoftwareHsm hsm = open()) {
            victim = hsm.generate("victim", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
            bystander = hsm.generate("bystander", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
        }
        byte[] file = Files.readAllBytes(keyFile("victim"));
        file[file.length - 1] ^= 1;
        Files.write(keyFile("victim"), file);

        try (SoftwareHsm hsm = open()) {
            assertEquals(List.of("bystander"), hsm.list().stream().map(KeyInfo::label).toList());
            hsm.sign(bystander, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ECDSA_SHA256, MESSAGE);
            assertThrows(HsmException.KeyIntegrity.class, () -> hsm.sign(victim, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ECDSA_SHA256, MESSAGE));
            assertThrows(HsmException.DuplicateLabel.class, () -> hsm.generate("victim", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT));

            hsm.destroy(victim);

            assertFalse(Files.exists(keyFile("victim")));
            hsm.generate("victim", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
            hsm.sign(victim, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ECDSA_SHA256, MESSAGE);
        }
    }

    @Test
    void a_key_file_copied_under_another_label_is_refused() throws Exception {
        try (SoftwareHsm hsm = open()) {
            hsm.generate("original", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
        }
        Files.copy(keyFile("original"), keyFile("impostor"));

        try (SoftwareHsm hsm = open()) {
            HsmException.KeyIntegrity e = assertThrows(HsmException.KeyIntegrity.class, () -> hsm.get("impostor"));
            assertTrue(e.getMessage().contains("'impostor'"), e.getMessage());
            hsm.get("original");
        }
    }

    @Test
    void leftover_temporary_files_from_a_crash_are_ignored_and_removed() throws Exception {
        try (SoftwareHsm hsm = open()) {
            hsm.generate("kept", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
        }
        Path leftover = dir().resolve("keys").resolve(".crashed.key.00ff00ff00ff00ff.tmp");
        Files.write(leftover, new byte[] {'S', 'I', 'G'});

        try (SoftwareHsm hsm = open()) {
            assertEquals(List.of("kept"), hsm.list().stream().map(KeyInfo::label).toList());
            assertFalse(Files.exists(leftover));
            hsm.generate("crashed", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
        }
    }

    @Test
    void writes_leave_only_complete_key_files_private_to_the_owner() throws Exception {
        try (SoftwareHsm hsm = open()) {
            hsm.generate("a", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
            KeyHandle b = hsm.generate("b", KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION);
            hsm.destroy(b);
        }
        try (Stream<Path> files = Files.list(dir().resolve("keys"))) {
            assertEquals(List.of("a.key"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile("a"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir().resolve("hsm.properties"))));
    }

    @Test
    void a_directory_cannot_be_opened_twice_at_once() {
        try (SoftwareHsm hsm = open()) {
            assertThrows(HsmException.BackendFailure.class, this::open);
        }
        open().close();
    }

    @Test
    void key_files_without_metadata_are_not_initialised_afresh() throws Exception {
        try (SoftwareHsm hsm = open()) {
            hsm.generate("a", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
        }
        Files.delete(dir().resolve("hsm.properties"));

        assertThrows(HsmException.BackendFailure.class, this::open);
        assertTrue(Files.exists(keyFile("a")));
    }

    @Test
    void labels_must_be_safe_file_names() {
        List<String> invalid = List.of("", "../escape", "a/b", "a\\b", ".hidden", "-dash", "a b", "line\nbreak",
                "caf\u00e9", "x".repeat(101));
        try (SoftwareHsm hsm = open()) {
            List<String> failures = new ArrayList<>();
            for (String label : invalid) {
                try {
                    hsm.generate(label, KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION);
                    failures.add("accepted " + label);
                } catch (IllegalArgumentException expected) {
                    // refused
                }
            }
            assertEquals(List.of(), failures);
            for (String label : List.of("a", "ca-root_2026.v1", "9", "x".repeat(100))) {
                hsm.generate(label, KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION);
            }
            assertEquals(4, hsm.list().size());
        }
    }

    @Test
    void the_passphrase_never_appears_in_errors_strings_or_files() throws Exception {
        List<String> texts = new ArrayList<>();
        Path passFile = temp.resolve("passphrase.txt");
        Files.writeString(passFile, PASSPHRASE + "\n");
        HsmConfig.Software config = new HsmConfig.Software(dir(), SecretSource.file(passFile));
        texts.add(config.toString());
        texts.add(passphrase(PASSPHRASE).toString());
        try (Hsm hsm = Hsms.open(config)) {
            texts.add(hsm.toString());
            KeyHandle aes = hsm.generate("aes", KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION);
            KeyHandle ec = hsm.generate("ec", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
            texts.add(aes.toString());
            texts.add(hsm.list().toString());
            collect(texts, () -> hsm.decrypt(aes, new byte[40], NO_AAD));
            collect(texts, () -> hsm.sign(ec, SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.RSA_PKCS1_SHA256, MESSAGE));
            collect(texts, () -> hsm.get("missing"));
            collect(texts, () -> Hsms.open(new HsmConfig.Software(dir(), passphrase(PASSPHRASE))));
        }
        collect(texts, () -> SoftwareHsm.open(dir(), passphrase(PASSPHRASE + "!")));
        collect(texts, () -> SoftwareHsm.open(dir(), passphrase(PASSPHRASE.substring(1))));
        try (Stream<Path> files = Files.walk(dir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                texts.add(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }

        assertTrue(texts.size() > 10);
        for (String text : texts) {
            assertFalse(text.contains("horse battery"), "the passphrase leaked into: " + text);
        }
    }

    private static void collect(List<String> texts, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                texts.add(t.toString());
            }
            return;
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void hsms_opens_the_software_backend_from_its_configuration() throws Exception {
        Path passFile = temp.resolve("pass");
        Files.writeString(passFile, PASSPHRASE);
        byte[] sealed;
        try (Hsm hsm = Hsms.open(new HsmConfig.Software(dir(), SecretSource.file(passFile)))) {
            assertEquals("software", hsm.backendName());
            sealed = hsm.encrypt(hsm.generate("k", KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION), MESSAGE, NO_AAD);
        }
        try (Hsm hsm = Hsms.open(new HsmConfig.Software(dir(), passphrase(PASSPHRASE)))) {
            assertArrayEquals(MESSAGE, hsm.decrypt(hsm.get("k"), sealed, NO_AAD));
        }
    }

    private static Properties metadata(Path dir) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("hsm.properties"))) {
            p.load(in);
        }
        return p;
    }

    @Test
    void a_key_file_from_before_purposes_signs_nothing_until_the_upgrade_stores_its_purpose_in_the_sealed_header() throws Exception {
        try (SoftwareHsm hsm = open()) {
            hsm.generate("ca-old", KeyAlgorithm.EC_P256, KeyPurpose.CA);
        }
        LegacyKeyLayout.removePurposes(dir(), passphrase(PASSPHRASE));
        assertFalse(new String(Files.readAllBytes(keyFile("ca-old")), java.nio.charset.StandardCharsets.ISO_8859_1).contains("purpose="));

        try (SoftwareHsm hsm = open()) {
            KeyHandle old = hsm.get("ca-old");
            assertEquals(null, old.purpose());
            assertThrows(HsmException.PurposeMismatch.class,
                    () -> hsm.sign(old, SignedObject.CERTIFICATE, SignatureAlgorithm.ECDSA_SHA256, MESSAGE));
            assertThrows(HsmException.AlgorithmMismatch.class, () -> hsm.assignPurpose("ca-old", KeyPurpose.DATA_ENCRYPTION));

            assertEquals(KeyPurpose.CA, hsm.assignPurpose("ca-old", KeyPurpose.CA).purpose());
            hsm.sign(old, SignedObject.CERTIFICATE, SignatureAlgorithm.ECDSA_SHA256, MESSAGE);
            assertThrows(HsmException.PurposeMismatch.class, () -> hsm.assignPurpose("ca-old", KeyPurpose.DOCUMENT));
        }
        assertTrue(new String(Files.readAllBytes(keyFile("ca-old")), java.nio.charset.StandardCharsets.ISO_8859_1).contains("purpose=CA\n"));
        try (SoftwareHsm hsm = open()) {
            assertEquals(KeyPurpose.CA, hsm.get("ca-old").purpose());
            assertThrows(HsmException.PurposeMismatch.class, () -> hsm.sign(hsm.get("ca-old"), SignedObject.DOCUMENT_SIGNATURE,
                    SignatureAlgorithm.ECDSA_SHA256, MESSAGE));
        }
    }

    @Test
    void editing_the_purpose_in_a_key_file_fails_its_integrity_check() throws Exception {
        try (SoftwareHsm hsm = open()) {
            hsm.generate("doc", KeyAlgorithm.EC_P256, KeyPurpose.DOCUMENT);
        }
        byte[] file = Files.readAllBytes(keyFile("doc"));
        String text = new String(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("purpose=DOCUMENT\n");
        assertTrue(at > 0);
        // The header is the sealed part's associated data: an edited purpose fails like a flipped bit.
        byte[] swapped = file.clone();
        byte[] other = "purpose=CAXXXXXX".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(other, 0, swapped, at, other.length);
        Files.write(keyFile("doc"), swapped);
        try (SoftwareHsm hsm = open()) {
            assertThrows(HsmException.KeyIntegrity.class, () -> hsm.get("doc"));
        }
    }
}
