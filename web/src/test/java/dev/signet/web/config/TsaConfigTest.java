package dev.signet.web.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.TsaSettings;
import dev.signet.hsm.KeyAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tsa.* settings: defaults, further TSAs, the external TSA, and mistakes named by setting. */
class TsaConfigTest {

    @TempDir
    Path dir;

    private SignetConfig load(String yaml) throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), yaml);
        return new ConfigLoader(Map.of()).load(f, dir, null);
    }

    @Test
    void with_no_settings_there_is_one_demo_tsa_and_no_external_one() {
        SignetConfig c = new ConfigLoader(Map.of()).load(null, dir, null);
        assertEquals(1, c.tsa().authorities().size());
        TsaSettings t = c.tsa().authorities().get(0);
        assertEquals(TsaSettings.DEFAULT, t.name());
        assertEquals(ConfigLoader.DEMO_TSA_POLICY, t.policyOid());
        assertEquals(Duration.ofSeconds(1), t.accuracy());
        assertFalse(t.acceptSha1());
        assertEquals(KeyAlgorithm.EC_P256, t.keyAlgorithm());
        assertEquals("/tsa", t.path());
        assertNull(c.tsa().externalUrl());
    }

    @Test
    void further_tsas_and_an_external_one_are_configured_by_name() throws Exception {
        SignetConfig c = load("tsa:\n  policy: 1.2.3.4\n  ca: external\n  acceptSha1: true\n  external:\n    url: https://tsa.example.com/tsr\n"
                + "  authorities:\n    legal:\n      policy: 1.2.3.5\n      accuracyMillis: 50\n      keyAlgorithm: EC_P384\n");
        TsaSettings def = c.tsa().authorities().get(0);
        assertTrue(def.externalCa());
        assertTrue(def.acceptSha1());
        TsaSettings legal = c.tsa().authorities().get(1);
        assertEquals("legal", legal.name());
        assertEquals("/tsa/legal", legal.path());
        assertEquals("1.2.3.5", legal.policyOid());
        assertEquals(Duration.ofMillis(50), legal.accuracy());
        assertEquals(KeyAlgorithm.EC_P384, legal.keyAlgorithm());
        assertEquals("https://tsa.example.com/tsr", c.tsa().externalUrl().toString());
    }

    @Test
    void mistakes_name_their_setting() {
        assertEquals("tsa.policy", assertThrows(ConfigException.class, () -> load("tsa.policy: not-an-oid\n")).setting());
        assertEquals("tsa.authorities.legal.policy",
                assertThrows(ConfigException.class, () -> load("tsa.authorities.legal.accuracyMillis: 5\n")).setting());
        assertEquals("tsa.authorities.legal.colour",
                assertThrows(ConfigException.class, () -> load("tsa.authorities.legal.colour: red\n")).setting());
        assertEquals("tsa.acceptSha1", assertThrows(ConfigException.class, () -> load("tsa.acceptSha1: maybe\n")).setting());
        assertEquals("tsa.keyAlgorithm", assertThrows(ConfigException.class, () -> load("tsa.keyAlgorithm: AES_256\n")).setting());
        assertEquals("tsa.external.url", assertThrows(ConfigException.class, () -> load("tsa.external.url: ftp://x\n")).setting());
    }

    @Test
    void the_time_source_is_the_system_clock_unless_ntp_is_configured_with_servers() throws Exception {
        SignetConfig.TimeSource system = new ConfigLoader(Map.of()).load(null, dir, null).tsa().timeSource();
        assertFalse(system.ntp(), "air-gapped by default");
        assertTrue(system.servers().isEmpty());

        SignetConfig.TimeSource ntp = load("tsa:\n  accuracyMillis: 250\n  timeSource: ntp\n  ntp:\n"
                + "    servers: ntp1.example.com, 192.0.2.7:1123\n").tsa().timeSource();
        assertTrue(ntp.ntp());
        assertEquals(java.util.List.of("ntp1.example.com", "192.0.2.7:1123"), ntp.servers());
        assertEquals(Duration.ofMillis(250), ntp.maxOffset(), "the maximum offset defaults to the accuracy");
        assertEquals(Duration.ofSeconds(16), ntp.poll());
        assertEquals(Duration.ofSeconds(48), ntp.stale());
        assertEquals(2, ntp.minAgreeing(), "two servers: both must agree (neither can outvote the other)");
        assertEquals(1, load("tsa:\n  timeSource: ntp\n  ntp:\n    servers: a\n").tsa().timeSource().minAgreeing(), "one server: as before");
        assertEquals(2, load("tsa:\n  timeSource: ntp\n  ntp:\n    servers: a, b, c\n").tsa().timeSource().minAgreeing(), "a majority");
        assertEquals(3, load("tsa:\n  timeSource: ntp\n  ntp:\n    servers: a, b, c, d\n").tsa().timeSource().minAgreeing());
        assertEquals(1, load("tsa:\n  timeSource: ntp\n  ntp:\n    servers: a, b, c\n    minAgreeing: 1\n").tsa().timeSource().minAgreeing());
        assertEquals("tsa.ntp.minAgreeing", assertThrows(ConfigException.class,
                () -> load("tsa:\n  timeSource: ntp\n  ntp:\n    servers: a, b\n    minAgreeing: 3\n")).setting());
        assertEquals("tsa.ntp.servers", assertThrows(ConfigException.class,
                () -> load("tsa:\n  timeSource: ntp\n  ntp:\n    servers: a, b, a\n")).setting(), "a server counted twice");

        assertEquals("tsa.timeSource", assertThrows(ConfigException.class, () -> load("tsa.timeSource: gps\n")).setting());
        assertEquals("tsa.ntp.servers", assertThrows(ConfigException.class, () -> load("tsa.timeSource: ntp\n")).setting());
        assertEquals("tsa.ntp.servers", assertThrows(ConfigException.class,
                () -> load("tsa.timeSource: ntp\ntsa.ntp.servers: 'bad host!'\n")).setting());
        assertEquals("tsa.ntp.staleMillis", assertThrows(ConfigException.class,
                () -> load("tsa.timeSource: ntp\ntsa.ntp.servers: a\ntsa.ntp.pollMillis: 5000\ntsa.ntp.staleMillis: 1000\n")).setting());
    }
}
