package dev.signet.signing.pades;

import dev.signet.signing.RevocationSource;
import dev.signet.signing.SigningException;
import dev.signet.signing.SigningException.Kind;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * Gathers the validation data of B-LT: every certificate of the signer's and the TSAs' chains, and
 * for each one but the roots an OCSP response or a CRL from its issuer. A chain for which that
 * cannot be had is an error: Signet does not claim a level it has not reached.
 */
public final class RevocationCollector {

    private final RevocationSource source;
    private final Map<String, X509Certificate> pool = new LinkedHashMap<>();

    public RevocationCollector(RevocationSource source) {
        this.source = source;
    }

    public RevocationCollector add(List<X509Certificate> certificates) {
        for (X509Certificate c : certificates) {
            pool.putIfAbsent(java.util.HexFormat.of().formatHex(CadesSignature.digest("SHA-256", SignatureStep.der(c))), c);
        }
        return this;
    }

    /** Adds the certificates a time-stamp token carries. */
    public RevocationCollector addToken(byte[] tokenDer) {
        TimeStampToken token = Timestamps.parse(tokenDer);
        List<X509Certificate> certs = new ArrayList<>();
        JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
        try {
            for (X509CertificateHolder h : token.getCertificates().getMatches(null)) {
                certs.add(conv.getCertificate(h));
            }
        } catch (CertificateException e) {
            throw new SigningException(Kind.TIMESTAMP_UNAVAILABLE, "a time-stamp token carries an unreadable certificate", e);
        }
        return add(certs);
    }

    /** Adds the certificates of the signature time-stamps inside a CMS signature (B-T). */
    public RevocationCollector addSignatureTimestamps(byte[] cms) {
        try {
            for (SignerInformation si : new CMSSignedData(cms).getSignerInfos().getSigners()) {
                AttributeTable unsigned = si.getUnsignedAttributes();
                if (unsigned == null) {
                    continue;
                }
                var stamps = unsigned.getAll(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken);
                for (int i = 0; i < stamps.size(); i++) {
                    for (var v : Attribute.getInstance(stamps.get(i)).getAttrValues()) {
                        addToken(v.toASN1Primitive().getEncoded());
                    }
                }
            }
        } catch (CMSException | IOException e) {
            throw new IllegalStateException("the CMS just made is unreadable", e);
        }
        return this;
    }

    public ValidationData collect() {
        List<byte[]> certs = new ArrayList<>();
        List<byte[]> ocsps = new ArrayList<>();
        List<byte[]> crls = new ArrayList<>();
        for (X509Certificate c : pool.values()) {
            certs.add(SignatureStep.der(c));
        }
        for (X509Certificate c : new ArrayList<>(pool.values())) {
            if (selfIssued(c)) {
                continue;
            }
            X509Certificate issuer = issuerOf(c).orElseThrow(() -> new SigningException(Kind.REVOCATION_UNAVAILABLE,
                    "the chain of " + c.getSubjectX500Principal().getName() + " is incomplete: its issuer is unknown"));
            Optional<byte[]> ocsp = source.ocspResponse(c, issuer);
            List<byte[]> crl = source.crls(c, issuer);
            if (ocsp.isEmpty() && crl.isEmpty()) {
                throw new SigningException(Kind.REVOCATION_UNAVAILABLE,
                        "no OCSP response or CRL is available for " + c.getSubjectX500Principal().getName());
            }
            ocsp.ifPresent(o -> {
                addUnique(ocsps, o);
                responderCertificates(o).forEach(r -> addUnique(certs, r));
            });
            crl.forEach(x -> addUnique(crls, x));
        }
        return new ValidationData(certs, ocsps, crls);
    }

    private Optional<X509Certificate> issuerOf(X509Certificate c) {
        for (X509Certificate candidate : pool.values()) {
            if (candidate.getSubjectX500Principal().equals(c.getIssuerX500Principal()) && signedBy(c, candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static boolean selfIssued(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal()) && signedBy(c, c);
    }

    private static boolean signedBy(X509Certificate c, X509Certificate issuer) {
        try {
            c.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static List<byte[]> responderCertificates(byte[] ocspResponse) {
        try {
            Object o = new OCSPResp(ocspResponse).getResponseObject();
            List<byte[]> out = new ArrayList<>();
            if (o instanceof BasicOCSPResp basic) {
                for (X509CertificateHolder h : basic.getCerts()) {
                    out.add(h.getEncoded());
                }
            }
            return out;
        } catch (IOException | OCSPException e) {
            throw new SigningException(Kind.REVOCATION_UNAVAILABLE, "an OCSP response is unreadable", e);
        }
    }

    private static void addUnique(List<byte[]> list, byte[] der) {
        for (byte[] b : list) {
            if (Arrays.equals(b, der)) {
                return;
            }
        }
        list.add(der);
    }
}
