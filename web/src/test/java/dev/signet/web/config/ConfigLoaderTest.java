package dev.signet.web.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.SecretSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static ConfigException refused(Map<String, String> env, Path file) {
        return assertThrows(ConfigException.class, () -> new ConfigLoader(env).load(file, null, null));
    }

    @Test
    void no_file_gives_the_embedded_default() {
        SignetConfig c = new ConfigLoader(Map.of()).load(null, dir.resolve("data"), null);
        assertEquals("127.0.0.1", c.host());
        assertEquals(8080, c.port());
        assertEquals("http://127.0.0.1:8080", c.publicBaseUrl().toString());
        assertEquals(dir.resolve("data").resolve("signet.db"), c.databaseFile());
        HsmConfig.Software sw = assertInstanceOf(HsmConfig.Software.class, c.hsm().config());
        assertEquals(dir.resolve("data").resolve("keys"), sw.directory());
        assertEquals(dir.resolve("data").resolve("secrets").resolve("hsm-passphrase"), c.hsm().generatedPassphraseFile());
        assertNull(c.tls());
    }

    @Test
    void the_passphrase_comes_from_the_environment_when_set() {
        SignetConfig c = new ConfigLoader(Map.of("SIGNET_HSM_PASSPHRASE", "pw")).load(null, dir, null);
        HsmConfig.Software sw = (HsmConfig.Software) c.hsm().config();
        assertEquals("env:SIGNET_HSM_PASSPHRASE", sw.passphrase().toString());
        assertNull(c.hsm().generatedPassphraseFile());
    }

    @Test
    void the_sample_configuration_loads() {
        Path sample = Path.of("..", "samples", "config", "signet.example.yaml");
        SignetConfig c = new ConfigLoader(Map.of()).load(sample, dir, 9999);
        assertEquals(9999, c.port());
        assertEquals(1048576, c.maxRequestBytes());
        assertEquals("software", c.hsm().backend());
        assertEquals(64L << 20, c.signing().maxValidationBytes());
    }

    @Test
    void the_validation_upload_limit_is_64_mib_unless_configured() throws Exception {
        assertEquals(64L << 20, new ConfigLoader(Map.of()).load(null, dir, null).signing().maxValidationBytes());
        Path f = write("v.yaml", "limits:\n  maxValidationBytes: 5000000\n");
        assertEquals(5_000_000, new ConfigLoader(Map.of()).load(f, dir, null).signing().maxValidationBytes());
        Path tiny = write("t.yaml", "limits:\n  maxValidationBytes: 10\n");
        assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of()).load(tiny, dir, null));
    }

    @Test
    void pkcs11_settings_use_the_shared_names() throws Exception {
        Path lib = write("lib.so", "x");
        Path f = write("c.yaml", "hsm:\n  backend: pkcs11\n  pkcs11:\n    library: " + lib + "\n    tokenLabel: signet\n    pinEnv: PIN\n    sessions: 3\n");
        SignetConfig c = new ConfigLoader(Map.of("PIN", "1234")).load(f, dir, null);
        HsmConfig.Pkcs11 p = assertInstanceOf(HsmConfig.Pkcs11.class, c.hsm().config());
        assertEquals(lib, p.library());
        assertEquals("signet", p.tokenLabel());
        assertEquals(3, p.sessions());
        assertInstanceOf(SecretSource.Env.class, p.pin());
    }

    @Test
    void dotted_keys_and_properties_files_work_too() throws Exception {
        Path y = write("d.yaml", "server.port: 7000\nserver.host: 0.0.0.0\n");
        SignetConfig c = new ConfigLoader(Map.of()).load(y, dir, null);
        assertEquals(7000, c.port());
        assertEquals("http://127.0.0.1:7000", c.publicBaseUrl().toString());
        Path p = write("c.properties", "server.port=7001\nserver.publicBaseUrl=https://ca.example.com/\n");
        SignetConfig c2 = new ConfigLoader(Map.of()).load(p, dir, null);
        assertEquals(7001, c2.port());
        assertEquals("https://ca.example.com", c2.publicBaseUrl().toString());
    }

    @Test
    void a_port_picked_at_start_replaces_port_0_in_a_derived_base_url_but_not_in_a_configured_one() throws Exception {
        SignetConfig derived = new ConfigLoader(Map.of()).load(null, dir, 0);
        assertEquals("http://127.0.0.1:43210", derived.listeningOn(43210).publicBaseUrl().toString());
        assertEquals(43210, derived.listeningOn(43210).port());
        Path y = write("e.yaml", "server.publicBaseUrl: https://ca.example.com\n");
        SignetConfig configured = new ConfigLoader(Map.of()).load(y, dir, 0);
        assertEquals("https://ca.example.com", configured.listeningOn(43210).publicBaseUrl().toString());
    }

    @Test
    void every_bad_setting_is_refused_by_name() throws Exception {
        Map<String, String> none = Map.of();
        assertEquals("server.prot", refused(none, write("a.yaml", "server:\n  prot: 1\n")).setting());
        assertEquals("server.port", refused(none, write("b.yaml", "server:\n  port: eighty\n")).setting());
        assertEquals("server.port", refused(none, write("c.yaml", "server:\n  port: 70000\n")).setting());
        assertEquals("hsm.backend", refused(none, write("d.yaml", "hsm:\n  backend: cloud\n")).setting());
        assertEquals("hsm.pkcs11.library", refused(none, write("e.yaml", "hsm:\n  backend: pkcs11\n  pkcs11:\n    library: /nope.so\n")).setting());
        assertEquals("hsm.software.passphraseFile", refused(none, write("f.yaml", "hsm.software.passphraseFile: /nope\n")).setting());
        assertEquals("hsm.software.passphraseEnv", refused(none, write("g.yaml", "hsm.software.passphraseEnv: UNSET_VAR_X\n")).setting());
        assertEquals("server.tls.privateKey", refused(none, write("h.yaml", "server.tls.certificate: /x\n")).setting());
        assertEquals("server.publicBaseUrl", refused(none, write("i.yaml", "server.publicBaseUrl: ftp://x\n")).setting());
        assertEquals("limits.maxRequestBytes", refused(none, write("j.yaml", "limits.maxRequestBytes: 10\n")).setting());
        assertEquals("--config", refused(none, write("k.yaml", "server: [1, 2\n")).setting());
        assertEquals("hsm.pkcs11.tokenLabel", refused(none, write("l.yaml", "hsm.pkcs11.tokenLabel: x\n")).setting());
        Path lib = write("lib.so", "x");
        ConfigException both = refused(Map.of("P", "1"), write("m.yaml",
                "hsm.backend: pkcs11\nhsm.pkcs11.library: " + lib + "\nhsm.pkcs11.tokenLabel: t\nhsm.pkcs11.pinEnv: P\nhsm.pkcs11.pinFile: " + lib + "\n"));
        assertTrue(both.getMessage().contains("exactly one"), both.getMessage());
    }
}
