package dev.signet.hsm.software;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.hsm.HsmException;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyInfo;
import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.SecretSource;
import dev.signet.hsm.SignatureAlgorithm;
import dev.signet.hsm.SignedObject;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.Signature;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changing the software store's passphrase: the new one opens every key unchanged, the old one is
 * refused, and a change stopped at any step leaves a store that exactly one of the two opens.
 */
class PassphraseChangeTest {

    private static final MasterKey.KdfParams CHEAP_KDF = new MasterKey.KdfParams(10, 8, 1);
    private static final String OLD = "correct horse battery staple 4711";
    private static final String NEW = "a new passphrase after staff left 0815";
    private static final byte[] MESSAGE = "signed before the change".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AAD = "aad".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path temp;

    private Path dir() {
        return temp.resolve("hsm");
    }

    private static SecretSource passphrase(String value) {
        return new SecretSource.Env("P", Map.of("P", value));
    }

    private SoftwareHsm open(String pass) {
        return SoftwareHsm.open(dir(), passphrase(pass), CHEAP_KDF);
    }

    /** What was made and signed before a change, to check against afterwards. */
    private record Before(Map<String, byte[]> publicKeys, byte[] ecSignature, byte[] edSignature, byte[] sealed,
            List<KeyInfo> infos) {
    }

    private Before makeKeys() {
        try (SoftwareHsm hsm = open(OLD)) {
            hsm.generate("ca", KeyAlgorithm.EC_P256, KeyPurpose.CA);
            hsm.generate("doc", KeyAlgorithm.ED25519, KeyPurpose.DOCUMENT);
            hsm.generate("data", KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION);
            Map<String, byte[]> pub = new TreeMap<>();
            pub.put("ca", hsm.publicKey(hsm.get("ca")).getEncoded());
            pub.put("doc", hsm.publicKey(hsm.get("doc")).getEncoded());
            return new Before(pub,
                    hsm.sign(hsm.get("ca"), SignedObject.CERTIFICATE, SignatureAlgorithm.ECDSA_SHA256, MESSAGE),
                    hsm.sign(hsm.get("doc"), SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ED25519, MESSAGE),
                    hsm.encrypt(hsm.get("data"), MESSAGE, AAD), hsm.list());
        }
    }

    /** Every key opens, is the same key as before (same public key, old signatures verify, old ciphertext opens) and works. */
    private void assertSameKeysWork(String pass, Before before) throws Exception {
        try (SoftwareHsm hsm = open(pass)) {
            assertEquals(before.infos(), hsm.list());
            PublicKey ca = hsm.publicKey(hsm.get("ca"));
            PublicKey doc = hsm.publicKey(hsm.get("doc"));
            assertArrayEquals(before.publicKeys().get("ca"), ca.getEncoded());
            assertArrayEquals(before.publicKeys().get("doc"), doc.getEncoded());
            assertTrue(verifies("SHA256withECDSA", ca, before.ecSignature()));
            assertTrue(verifies("Ed25519", doc, before.edSignature()));
            assertTrue(verifies("SHA256withECDSA", ca,
                    hsm.sign(hsm.get("ca"), SignedObject.CERTIFICATE, SignatureAlgorithm.ECDSA_SHA256, MESSAGE)));
            assertTrue(verifies("Ed25519", doc,
                    hsm.sign(hsm.get("doc"), SignedObject.DOCUMENT_SIGNATURE, SignatureAlgorithm.ED25519, MESSAGE)));
            assertArrayEquals(MESSAGE, hsm.decrypt(hsm.get("data"), before.sealed(), AAD));
            assertArrayEquals(MESSAGE, hsm.decrypt(hsm.get("data"), hsm.encrypt(hsm.get("data"), MESSAGE, AAD), AAD));
        }
    }

    private static boolean verifies(String algorithm, PublicKey key, byte[] signature) throws Exception {
        Signature v = Signature.getInstance(algorithm);
        v.initVerify(key);
        v.update(MESSAGE);
        return v.verify(signature);
    }

    private void assertRefused(String pass) {
        HsmException.KeyIntegrity e = assertThrows(HsmException.KeyIntegrity.class, () -> open(pass).close());
        assertTrue(e.getMessage().contains("wrong passphrase"), e.getMessage());
    }

    /** Every file below the store, relative path to hex content, to show that nothing changed. */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir())) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(dir().relativize(p).toString(), HexFormat.of().formatHex(Files.readAllBytes(p)));
            }
        }
        return files;
    }

    private List<String> keyDirectories() throws IOException {
        try (Stream<Path> entries = Files.list(dir())) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private Properties metadata() throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(dir().resolve(KeyDirectory.METADATA))) {
            p.load(in);
        }
        return p;
    }

    private PassphraseChange.Result change(String from, String to, PassphraseChange.Hook hook) {
        return PassphraseChange.run(dir(), passphrase(from), passphrase(to), hook);
    }

    @Test
    void after_a_change_the_old_passphrase_is_refused_and_the_new_one_opens_the_same_keys() throws Exception {
        Before before = makeKeys();
        assertEquals("signet-software-hsm/1", metadata().getProperty("format"));

        assertEquals(3, SoftwareHsm.changePassphrase(dir(), passphrase(OLD), passphrase(NEW)));

        assertRefused(OLD);
        assertSameKeysWork(NEW, before);
        assertEquals("signet-software-hsm/2", metadata().getProperty("format"));
        assertEquals("2", metadata().getProperty("keys.generation"));
        assertEquals(List.of("keys.2"), keyDirectories());
        // A backup copies the generation the metadata names.
        assertEquals(List.of("hsm.properties", "keys.2/ca.key", "keys.2/data.key", "keys.2/doc.key"), SoftwareHsm.stateFiles(dir()));

        // And again: the generation moves on, and the passphrase can even go back.
        assertEquals(new PassphraseChange.Result(3, 3), change(NEW, OLD, PassphraseChange.Hook.NONE));
        assertRefused(NEW);
        assertSameKeysWork(OLD, before);
        assertEquals(List.of("keys.3"), keyDirectories());
    }

    @Test
    void keys_made_after_a_change_are_sealed_under_the_new_passphrase() throws Exception {
        makeKeys();
        SoftwareHsm.changePassphrase(dir(), passphrase(OLD), passphrase(NEW));
        try (SoftwareHsm hsm = open(NEW)) {
            hsm.generate("later", KeyAlgorithm.EC_P256, KeyPurpose.OCSP);
        }
        assertTrue(Files.isRegularFile(dir().resolve("keys.2").resolve("later.key")));
        try (SoftwareHsm hsm = open(NEW)) {
            assertEquals(List.of("ca", "data", "doc", "later"), hsm.list().stream().map(KeyInfo::label).toList());
        }
    }

    /** A runtime exception thrown at a step: a crash there, since the change leaves all cleanup to the next open. */
    private static final class Crash extends RuntimeException {
        Crash() {
            super("simulated crash");
        }
    }

    private static PassphraseChange.Hook crashAt(PassphraseChange.Step step, int occurrence) {
        int[] seen = {0};
        return s -> {
            if (s == step && ++seen[0] == occurrence) {
                throw new Crash();
            }
        };
    }

    @ParameterizedTest(name = "stopped at {0} #{1}")
    @CsvSource({"KEY_RESEALED, 1, " + OLD, "KEY_RESEALED, 3, " + OLD, "BEFORE_SWITCH, 1, " + OLD, "SWITCHED, 1, " + NEW})
    void a_change_stopped_at_any_step_leaves_a_store_that_exactly_one_passphrase_opens_whole(
            PassphraseChange.Step step, int occurrence, String survivor) throws Exception {
        Before before = makeKeys();

        assertThrows(Crash.class, () -> change(OLD, NEW, crashAt(step, occurrence)));

        assertEquals(2, keyDirectories().size(), "both generations are on disk: " + keyDirectories());
        String other = survivor.equals(OLD) ? NEW : OLD;
        assertRefused(other);
        assertEquals(2, keyDirectories().size(), "a refused open deletes nothing: " + keyDirectories());
        assertSameKeysWork(survivor, before);
        // The open that succeeded finished the change or rolled it back: one generation is left.
        assertEquals(List.of(survivor.equals(OLD) ? "keys" : "keys.2"), keyDirectories());
        assertRefused(other);

        // From there a change runs to the end as usual.
        change(survivor, other, PassphraseChange.Hook.NONE);
        assertRefused(survivor);
        assertSameKeysWork(other, before);
    }

    @Test
    void a_change_is_refused_while_a_server_holds_the_store_and_changes_nothing() throws Exception {
        Before before = makeKeys();
        Map<String, String> files;
        try (SoftwareHsm running = open(OLD)) {
            files = snapshot();
            HsmException.BackendFailure e = assertThrows(HsmException.BackendFailure.class,
                    () -> SoftwareHsm.changePassphrase(dir(), passphrase(OLD), passphrase(NEW)));
            assertTrue(e.getMessage().contains("in use by another process") && e.getMessage().contains("stop the server"),
                    e.getMessage());
            // The running backend is unaffected.
            running.sign(running.get("ca"), SignedObject.CERTIFICATE, SignatureAlgorithm.ECDSA_SHA256, MESSAGE);
        }
        assertEquals(files, snapshot());
        assertRefused(NEW);
        assertSameKeysWork(OLD, before);
    }

    @Test
    void a_wrong_current_passphrase_is_refused_with_the_usual_error_and_changes_nothing() throws Exception {
        Before before = makeKeys();
        Map<String, String> files = snapshot();

        HsmException.KeyIntegrity e = assertThrows(HsmException.KeyIntegrity.class,
                () -> SoftwareHsm.changePassphrase(dir(), passphrase("not the passphrase"), passphrase(NEW)));

        assertTrue(e.getMessage().contains("wrong passphrase"), e.getMessage());
        assertFalse(e.getMessage().contains(NEW) || e.getMessage().contains(OLD), e.getMessage());
        assertEquals(files, snapshot());
        assertRefused(NEW);
        assertSameKeysWork(OLD, before);
    }

    @Test
    void a_damaged_key_file_stops_the_change_before_anything_is_written() throws Exception {
        makeKeys();
        Path doc = dir().resolve("keys").resolve("doc.key");
        byte[] bytes = Files.readAllBytes(doc);
        bytes[bytes.length - 1] ^= 1;
        Files.write(doc, bytes);
        Map<String, String> files = snapshot();

        HsmException.BackendFailure e = assertThrows(HsmException.BackendFailure.class,
                () -> SoftwareHsm.changePassphrase(dir(), passphrase(OLD), passphrase(NEW)));

        assertTrue(e.getMessage().contains("passphrase not changed") && e.getMessage().contains("'doc'"), e.getMessage());
        assertEquals(files, snapshot());
        assertRefused(NEW);
    }

    @Test
    void a_directory_without_a_store_is_refused_and_not_created() {
        HsmException.BackendFailure e = assertThrows(HsmException.BackendFailure.class,
                () -> SoftwareHsm.changePassphrase(dir(), passphrase(OLD), passphrase(NEW)));
        assertTrue(e.getMessage().contains("no software key store"), e.getMessage());
        assertFalse(Files.exists(dir()));
    }

    @Test
    void metadata_naming_a_missing_or_edited_generation_is_refused() throws Exception {
        makeKeys();
        SoftwareHsm.changePassphrase(dir(), passphrase(OLD), passphrase(NEW));
        Path meta = dir().resolve(KeyDirectory.METADATA);
        String original = Files.readString(meta);

        Files.writeString(meta, original.replace("keys.generation=2", "keys.generation=3"));
        HsmException.BackendFailure missing = assertThrows(HsmException.BackendFailure.class, () -> open(NEW).close());
        assertTrue(missing.getMessage().contains("which is missing"), missing.getMessage());

        Files.createDirectory(dir().resolve("keys.3"));
        assertThrows(HsmException.KeyIntegrity.class, () -> open(NEW).close(), "the generation is authenticated");
        assertTrue(Files.isDirectory(dir().resolve("keys.2")), "nothing is deleted on a failed check");

        Files.writeString(meta, original.replace("signet-software-hsm/2", "signet-software-hsm/1"));
        assertThrows(HsmException.KeyIntegrity.class, () -> open(NEW).close());

        Files.writeString(meta, original);
        try (SoftwareHsm hsm = open(NEW)) {
            assertEquals(3, hsm.list().size());
        }
    }
}
