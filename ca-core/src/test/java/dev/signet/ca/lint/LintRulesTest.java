package dev.signet.ca.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERGeneralizedTime;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row per lint rule: a deliberately bad TBSCertificate that must break that rule. Good CA and
 * end-entity certificates must pass every rule. All failures are collected, so one run shows all.
 */
class LintRulesTest {

    private static final Instant NOW = Instant.now();
    private static final X500Name ROOT_NAME = new X500Name("CN=Lint Root,O=Signet");
    private static final X500Name SUB_NAME = new X500Name("CN=Lint Sub,O=Signet");

    private static final KeyPair ROOT_KEY = TbsBuilder.ecKey();
    private static final KeyPair SUB_KEY = TbsBuilder.ecKey();
    private static final KeyPair LEAF_KEY = TbsBuilder.ecKey();

    private static final Certificate ROOT = rootBuilder().signWith(ROOT_KEY);
    /** A sub-CA that allows no further CA below it. */
    private static final Certificate SUB = subBuilder().signWith(ROOT_KEY);
    private static final IssuerContext UNDER_SUB = IssuerContext.issuedBy(List.of(SUB, ROOT));
    private static final IssuerContext UNDER_ROOT = IssuerContext.issuedBy(List.of(ROOT));

    private final Linter linter = Linter.standard();

    static TbsBuilder rootBuilder() {
        TbsBuilder b = new TbsBuilder();
        b.issuer = ROOT_NAME;
        b.subject = ROOT_NAME;
        b.publicKey = SubjectPublicKeyInfo.getInstance(ROOT_KEY.getPublic().getEncoded());
        b.validity(NOW.minusSeconds(3600), Duration.ofDays(3650));
        return b.standardExtensions(true, null, null);
    }

    static TbsBuilder subBuilder() {
        TbsBuilder b = new TbsBuilder();
        b.issuer = ROOT_NAME;
        b.subject = SUB_NAME;
        b.publicKey = SubjectPublicKeyInfo.getInstance(SUB_KEY.getPublic().getEncoded());
        b.validity(NOW.minusSeconds(1800), Duration.ofDays(1825));
        return b.standardExtensions(true, 0, TbsBuilder.keyId(SubjectPublicKeyInfo.getInstance(ROOT_KEY.getPublic().getEncoded())));
    }

    /** A good TLS server certificate under SUB. */
    static TbsBuilder leaf() {
        TbsBuilder b = new TbsBuilder();
        b.issuer = SUB_NAME;
        b.subject = new X500Name("CN=www.example.com");
        b.publicKey = SubjectPublicKeyInfo.getInstance(LEAF_KEY.getPublic().getEncoded());
        b.validity(NOW, Duration.ofDays(90));
        b.standardExtensions(false, null, TbsBuilder.keyId(SubjectPublicKeyInfo.getInstance(SUB_KEY.getPublic().getEncoded())));
        b.add(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        b.add(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, "www.example.com")));
        b.add(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(new AccessDescription(
                AccessDescription.id_ad_ocsp, new GeneralName(GeneralName.uniformResourceIdentifier, "http://pki.example/ocsp/sub"))));
        b.add(Extension.certificatePolicies, false, new CertificatePolicies(new PolicyInformation(new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"))));
        return b;
    }

    /** A good CA certificate under ROOT (ROOT has no path length limit). */
    static TbsBuilder caUnderRoot() {
        return subBuilder();
    }

    record Case(String rule, boolean ca, IssuerContext issuer, Consumer<TbsBuilder> breakIt) {
        @Override
        public String toString() {
            return rule;
        }
    }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("version-v3", false, UNDER_SUB, b -> b.version = 1));
        c.add(new Case("serial-positive", false, UNDER_SUB, b -> b.serial = BigInteger.valueOf(-5)));
        c.add(new Case("serial-length", false, UNDER_SUB, b -> b.serial = BigInteger.ONE.shiftLeft(168)));
        c.add(new Case("signature-algorithm-matches-issuer-key", false, UNDER_SUB,
                b -> b.signature = new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE)));
        c.add(new Case("issuer-not-empty", false, UNDER_SUB, b -> b.issuer = new X500Name(new RDN[0])));
        c.add(new Case("issuer-name-matches", false, UNDER_SUB, b -> b.issuer = new X500Name("CN=Someone Else")));
        c.add(new Case("name-attribute-encoding", false, UNDER_SUB, b -> b.subject = new X500Name(new RDN[] {
                new RDN(new AttributeTypeAndValue(BCStyle.CN, new DERBMPString("www.example.com")))})));
        c.add(new Case("validity-order", false, UNDER_SUB, b -> {
            ASN1Primitive t = b.notBefore;
            b.notBefore = b.notAfter;
            b.notAfter = t;
        }));
        c.add(new Case("validity-time-type", false, UNDER_SUB,
                b -> b.notAfter = new DERGeneralizedTime(java.util.Date.from(NOW.plus(Duration.ofDays(30))))));
        c.add(new Case("validity-time-format", false, UNDER_SUB, b -> b.notAfter = rawTime(0x17, "3001010000Z")));
        c.add(new Case("validity-within-issuer", false, UNDER_SUB, b -> b.validity(NOW, Duration.ofDays(2000))));
        c.add(new Case("unique-identifiers-absent", false, UNDER_SUB, b -> b.subjectUniqueId = new DERBitString(new byte[] {1})));
        c.add(new Case("rsa-key-encoding", false, UNDER_SUB, b -> b.publicKey = rsa1024()));
        c.add(new Case("ec-key-encoding", false, UNDER_SUB, b -> b.publicKey = new SubjectPublicKeyInfo(
                new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256k1),
                b.publicKey.getPublicKeyData().getBytes())));
        c.add(new Case("ed25519-key-encoding", false, UNDER_SUB, b -> b.publicKey = new SubjectPublicKeyInfo(
                new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), new byte[31])));
        c.add(new Case("no-duplicate-extensions", false, UNDER_SUB,
                b -> b.extensions.add(b.extensions.get(0))));
        c.add(new Case("subject-key-identifier", false, UNDER_SUB, b -> b.remove(Extension.subjectKeyIdentifier)));
        c.add(new Case("authority-key-identifier", false, UNDER_SUB,
                b -> b.replace(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(new byte[20]))));
        c.add(new Case("basic-constraints-ca", true, UNDER_ROOT,
                b -> b.replace(Extension.basicConstraints, false, new BasicConstraints(0))));
        c.add(new Case("basic-constraints-end-entity", false, UNDER_SUB,
                b -> b.replace(Extension.basicConstraints, true, new BasicConstraints(true))));
        c.add(new Case("path-len-only-on-ca", false, UNDER_SUB,
                b -> b.replace(Extension.basicConstraints, true, new DERSequence(new ASN1Integer(0)))));
        c.add(new Case("key-usage-critical", false, UNDER_SUB,
                b -> b.replace(Extension.keyUsage, false, new KeyUsage(KeyUsage.digitalSignature))));
        c.add(new Case("key-usage-not-empty", false, UNDER_SUB,
                b -> b.replace(Extension.keyUsage, true, new DERBitString(new byte[0]))));
        c.add(new Case("key-cert-sign-only-on-ca", false, UNDER_SUB,
                b -> b.replace(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign))));
        c.add(new Case("key-usage-fits-key-type", false, UNDER_SUB,
                b -> b.replace(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))));
        c.add(new Case("eku-consistent-with-key-usage", false, UNDER_SUB,
                b -> b.replace(Extension.keyUsage, true, new KeyUsage(KeyUsage.nonRepudiation))));
        c.add(new Case("time-stamping-eku", false, UNDER_SUB, b -> b.replace(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping))));
        c.add(new Case("ocsp-nocheck", false, UNDER_SUB,
                b -> b.add(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE)));
        c.add(new Case("san-when-subject-empty", false, UNDER_SUB, b -> b.subject = new X500Name(new RDN[0])));
        c.add(new Case("san-well-formed", false, UNDER_SUB, b -> b.replace(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, new DERIA5String("www..example.com"))))));
        c.add(new Case("name-constraints-only-on-ca", false, UNDER_SUB, b -> b.add(Extension.nameConstraints, true,
                new NameConstraints(new GeneralSubtree[] {new GeneralSubtree(new GeneralName(GeneralName.dNSName, "example.com"))}, null))));
        c.add(new Case("certificate-policies-unique", false, UNDER_SUB, b -> {
            PolicyInformation p = new PolicyInformation(new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"));
            b.replace(Extension.certificatePolicies, false, new CertificatePolicies(new PolicyInformation[] {p, p}));
        }));
        c.add(new Case("aia-not-critical", false, UNDER_SUB, b -> b.replace(Extension.authorityInfoAccess, true,
                new AuthorityInformationAccess(new AccessDescription(AccessDescription.id_ad_ocsp,
                        new GeneralName(GeneralName.uniformResourceIdentifier, "http://pki.example/ocsp/sub"))))));
        c.add(new Case("issuer-is-ca", false, IssuerContext.issuedBy(List.of(endEntityNamedLikeSub(), ROOT)), b -> { }));
        // SUB has pathLenConstraint 0: no CA may be issued under it.
        c.add(new Case("path-length-respected", true, UNDER_SUB, b -> {
            b.extensions.clear();
            b.standardExtensions(true, null, TbsBuilder.keyId(SubjectPublicKeyInfo.getInstance(SUB_KEY.getPublic().getEncoded())));
        }));
        return c;
    }

    static List<Case> rows() {
        return cases();
    }

    /** One test per rule (the table above): the bad certificate must break that rule. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void each_rule_fires_on_a_certificate_that_breaks_it(Case c) {
        TbsBuilder b = c.ca() && !c.rule().equals("path-length-respected") ? caUnderRoot() : leaf();
        c.breakIt().accept(b);
        List<Violation> found = linter.check(b.der(), c.issuer(), c.ca());
        Set<String> names = found.stream().map(Violation::rule).collect(Collectors.toSet());
        assertTrue(names.contains(c.rule()), c.rule() + " did not fire; got " + found);
    }

    @Test
    void every_rule_has_a_case_and_cites_its_source() {
        Set<String> ruleNames = new TreeSet<>();
        for (LintRule r : linter.rules()) {
            ruleNames.add(r.name());
            if (!r.source().matches("RFC \\d+ .+")) {
                throw new AssertionError(r.name() + " cites no RFC section: " + r.source());
            }
        }
        Set<String> covered = cases().stream().map(Case::rule).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(ruleNames, covered);
        assertEquals(true, ruleNames.size() >= 20, "at least 20 rules");
    }

    @Test
    void good_certificates_pass_every_rule() {
        assertEquals(List.of(), linter.check(leaf().der(), UNDER_SUB, false), "end-entity under sub");
        assertEquals(List.of(), linter.check(caUnderRoot().der(), UNDER_ROOT, true), "CA under root");
        assertEquals(List.of(), linter.check(rootBuilder().der(), IssuerContext.selfSigned(), true), "root");
    }

    @Test
    void enforce_throws_a_typed_error_naming_the_rule() {
        TbsBuilder b = leaf();
        b.serial = BigInteger.ZERO;
        LintException e = assertThrows(LintException.class, () -> linter.enforce(b.der(), UNDER_SUB, false));
        assertEquals("serial-positive", e.rule());
        assertEquals("RFC 5280 4.1.2.2", e.violations().get(0).source());
    }

    @Test
    void a_repeated_extension_is_reported_even_though_the_structure_does_not_parse() {
        TbsBuilder b = leaf();
        b.extensions.add(b.extensions.get(0));
        Set<String> names = linter.check(b.der(), UNDER_SUB, false).stream().map(Violation::rule).collect(Collectors.toSet());
        assertEquals(Set.of("tbs-structure", "no-duplicate-extensions"), names);
    }

    @Test
    void garbage_is_a_structure_violation_not_a_crash() {
        List<Violation> v = linter.check("not der".getBytes(StandardCharsets.US_ASCII), UNDER_SUB, false);
        assertEquals("tbs-structure", v.get(0).rule());
    }

    private static ASN1Primitive rawTime(int tag, String text) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        byte[] der = new byte[t.length + 2];
        der[0] = (byte) tag;
        der[1] = (byte) t.length;
        System.arraycopy(t, 0, der, 2, t.length);
        try {
            return ASN1Primitive.fromByteArray(der);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SubjectPublicKeyInfo rsa1024() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(1024);
            return SubjectPublicKeyInfo.getInstance(g.generateKeyPair().getPublic().getEncoded());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A certificate with SUB's name and key but no CA rights. */
    private static Certificate endEntityNamedLikeSub() {
        TbsBuilder b = new TbsBuilder();
        b.issuer = ROOT_NAME;
        b.subject = SUB_NAME;
        b.publicKey = SubjectPublicKeyInfo.getInstance(SUB_KEY.getPublic().getEncoded());
        b.validity(NOW.minusSeconds(1800), Duration.ofDays(1825));
        b.standardExtensions(false, null, TbsBuilder.keyId(SubjectPublicKeyInfo.getInstance(ROOT_KEY.getPublic().getEncoded())));
        return b.signWith(ROOT_KEY);
    }
}
