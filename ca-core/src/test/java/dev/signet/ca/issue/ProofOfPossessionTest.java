package dev.signet.ca.issue;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.signet.ca.CaException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** CSRs are signed with the JDK's own providers (SunEC, SunRsaSign), independently of the verifier. */
class ProofOfPossessionTest {

    @ParameterizedTest
    @CsvSource({"secp256r1, SHA256withECDSA", "secp384r1, SHA384withECDSA", "secp521r1, SHA512withECDSA",
            "secp256r1, SHA512withECDSA", "secp384r1, SHA256withECDSA"})
    void csr_signed_with_ecdsa_and_sha2_is_accepted(String curve, String algorithm) throws Exception {
        PKCS10CertificationRequest csr = csr(ec(curve), null, algorithm, false);
        assertDoesNotThrow(() -> ProofOfPossession.verify(csr));
    }

    @ParameterizedTest
    @CsvSource({"secp256r1, SHA256withECDSA", "secp384r1, SHA384withECDSA", "secp521r1, SHA512withECDSA"})
    void csr_whose_ecdsa_signature_is_altered_is_refused(String curve, String algorithm) throws Exception {
        assertRefused(csr(ec(curve), null, algorithm, true));
    }

    @Test
    void csr_signed_by_another_key_than_its_own_is_refused() throws Exception {
        assertRefused(csr(ec("secp256r1"), ec("secp256r1"), "SHA256withECDSA", false));
    }

    @Test
    void ecdsa_signature_with_s_beyond_the_curve_order_is_refused() throws Exception {
        KeyPair kp = ec("secp256r1");
        PKCS10CertificationRequest valid = csr(kp, null, "SHA256withECDSA", false);
        ProofOfPossession.verify(valid);
        BigInteger n = ((ECPublicKey) kp.getPublic()).getParams().getOrder();
        ASN1Sequence rs = ASN1Sequence.getInstance(valid.getSignature());
        BigInteger s = ASN1Integer.getInstance(rs.getObjectAt(1)).getValue();
        // s + n is the same value mod n: a verifier that skipped the range check would accept it.
        assertRefused(withSignature(valid, rs.getObjectAt(0), new ASN1Integer(s.add(n))));
    }

    @Test
    void csr_signed_with_rsa_is_accepted_and_refused_when_altered() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        PKCS10CertificationRequest csr = csr(kp, null, "SHA256withRSA", false);
        assertDoesNotThrow(() -> ProofOfPossession.verify(csr));
        assertRefused(csr(kp, null, "SHA256withRSA", true));
    }

    private static void assertRefused(PKCS10CertificationRequest csr) {
        CaException e = assertThrows(CaException.class, () -> ProofOfPossession.verify(csr));
        assertEquals("csr-signature-invalid", e.code());
    }

    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    /** A CSR for {@code subject}'s public key signed by {@code signer}; {@code alter} flips one bit of the signature. */
    private static PKCS10CertificationRequest csr(KeyPair subject, KeyPair signer, String algorithm, boolean alter)
            throws Exception {
        KeyPair by = signer == null ? subject : signer;
        PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=pop.example.com"),
                subject.getPublic()).build(new JcaContentSignerBuilder(algorithm).build(by.getPrivate()));
        if (!alter) {
            return csr;
        }
        byte[] sig = csr.getSignature();
        sig[sig.length / 2] ^= 0x01;
        CertificationRequest cr = csr.toASN1Structure();
        return new PKCS10CertificationRequest(new CertificationRequest(cr.getCertificationRequestInfo(),
                cr.getSignatureAlgorithm(), new DERBitString(sig)));
    }

    private static PKCS10CertificationRequest withSignature(PKCS10CertificationRequest csr, ASN1Encodable r, ASN1Integer s)
            throws Exception {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(r);
        v.add(s);
        CertificationRequest cr = csr.toASN1Structure();
        return new PKCS10CertificationRequest(new CertificationRequest(cr.getCertificationRequestInfo(),
                cr.getSignatureAlgorithm(), new DERBitString(new DERSequence(v).getEncoded())));
    }
}
