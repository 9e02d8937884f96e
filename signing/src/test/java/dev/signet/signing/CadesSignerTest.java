package dev.signet.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.hsm.KeyAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Detached CAdES over a non-PDF file, verified by OpenSSL against the root. */
class CadesSignerTest {

    @TempDir
    static Path dir;
    static TestPki pki;
    static SigningIdentity identity;

    @BeforeAll
    static void setUp() throws Exception {
        pki = TestPki.start(dir);
        identity = pki.identity("Cades Signer", KeyAlgorithm.EC_P256);
    }

    @AfterAll
    static void tearDown() {
        pki.close();
    }

    private static String opensslVerify(Path content, Path p7s) throws Exception {
        Path root = Files.writeString(dir.resolve("root.pem"), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder().encodeToString(pki.root.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        return IndependentCheckers.run(List.of("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", p7s.toString(),
                "-content", content.toString(), "-CAfile", root.toString(), "-purpose", "any", "-out", "/dev/null"));
    }

    @Test
    void a_detached_b_b_and_b_t_signature_over_a_text_file_verifies_with_openssl() throws Exception {
        Path content = Files.writeString(dir.resolve("invoice.xml"), "<invoice><total>42.00</total></invoice>\n");
        CadesSigner signer = new CadesSigner(pki.tsa());
        for (PadesLevel level : List.of(PadesLevel.B_B, PadesLevel.B_T)) {
            Path p7s = Files.write(dir.resolve("invoice-" + level.id() + ".p7s"), signer.sign(content, identity, level));
            String out = opensslVerify(content, p7s);
            assertTrue(out.contains("Verification successful"), level + ": " + out);
        }
        Path tampered = Files.writeString(dir.resolve("tampered.xml"), "<invoice><total>4200.00</total></invoice>\n");
        String out = opensslVerify(tampered, dir.resolve("invoice-B-B.p7s"));
        assertTrue(out.contains("Verification failure"), out);
    }

    @Test
    void a_detached_b_lt_signature_carries_its_validation_data_and_dss_finds_it_cades_baseline_lt_and_passed() throws Exception {
        Path content = Files.writeString(dir.resolve("contract.txt"), "The parties agree.\n");
        CadesSigner signer = new CadesSigner(pki.tsa(), pki.revocation());
        List<String> failures = new ArrayList<>();
        for (PadesLevel level : List.of(PadesLevel.B_B, PadesLevel.B_T, PadesLevel.B_LT)) {
            Path p7s = Files.write(dir.resolve("contract-" + level.id() + ".p7s"), signer.sign(content, identity, level));
            var dss = IndependentCheckers.dssDetached(p7s, content, pki.root);
            String expected = "CAdES-BASELINE-" + level.id().substring(2);
            if (dss.size() != 1 || !dss.get(0).format().equals(expected)
                    || (level == PadesLevel.B_LT && !dss.get(0).passed())) {
                failures.add(level.id() + ": " + dss);
            }
            String openssl = opensslVerify(content, p7s);
            if (!openssl.contains("Verification successful")) {
                failures.add(level.id() + " openssl: " + openssl);
            }
        }
        assertEquals(List.of(), failures);
        // The revocation data is in the SignedData itself: a CRL or an OCSP response for the signer's certificate.
        var cms = new org.bouncycastle.cms.CMSSignedData(Files.readAllBytes(dir.resolve("contract-B-LT.p7s")));
        int revocation = cms.getCRLs().getMatches(null).size()
                + cms.getOtherRevocationInfo(org.bouncycastle.asn1.cms.CMSObjectIdentifiers.id_ri_ocsp_response).getMatches(null).size();
        assertTrue(revocation >= 1, "no revocation values in the B-LT signature");
    }

    @Test
    void b_lta_is_not_offered_for_detached_cades_and_b_lt_needs_revocation_data() throws Exception {
        Path content = Files.writeString(dir.resolve("x.txt"), "x");
        SigningException lta = assertThrows(SigningException.class,
                () -> new CadesSigner(pki.tsa(), pki.revocation()).sign(content, identity, PadesLevel.B_LTA));
        assertEquals(SigningException.Kind.BAD_OPTION, lta.kind());
        SigningException lt = assertThrows(SigningException.class,
                () -> new CadesSigner(pki.tsa()).sign(content, identity, PadesLevel.B_LT));
        assertEquals(SigningException.Kind.REVOCATION_UNAVAILABLE, lt.kind());
    }
}
