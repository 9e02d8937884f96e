package dev.signet.signing.validation;

import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Revocation status of a certificate from the CRLs and OCSP responses the file carries (DSS
 * dictionary, CMS revocation-info-archival and crls fields). Nothing is fetched: a status nobody
 * put in the file is {@link Status#NONE}.
 */
final class Revocation {
    enum Status { GOOD, REVOKED, UNKNOWN, NONE }

    /** @param source "CRL" or "OCSP"; {@code issuedAt} is thisUpdate / producedAt */
    record Result(Status status, Date revocationTime, String reason, Date issuedAt, String source, boolean fromDss) {
        static final Result NONE = new Result(Status.NONE, null, null, null, null, false);
    }

    record Crl(X509CRL crl, boolean fromDss) {}

    record Ocsp(BasicOCSPResp response, boolean fromDss) {}

    private final List<Crl> crls = new ArrayList<>();
    private final List<Ocsp> ocsps = new ArrayList<>();
    private static final DigestCalculatorProvider DIGESTS;

    static {
        try {
            DIGESTS = new JcaDigestCalculatorProviderBuilder().setProvider(CertificatePool.BC).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void addCrl(X509CRL crl, boolean fromDss) {
        crls.add(new Crl(crl, fromDss));
    }

    void addOcsp(BasicOCSPResp resp, boolean fromDss) {
        ocsps.add(new Ocsp(resp, fromDss));
    }

    boolean isEmpty() {
        return crls.isEmpty() && ocsps.isEmpty();
    }

    /**
     * The latest status of {@code cert} issued by {@code issuer} (revoked wins over good from an
     * older answer). {@code onlyDss} restricts it to DSS-dictionary data (for the LT level).
     */
    Result statusOf(X509Certificate cert, X509Certificate issuer, boolean onlyDss) {
        Result best = Result.NONE;
        for (Crl c : crls) {
            if (onlyDss && !c.fromDss()) continue;
            X509CRL crl = c.crl();
            if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) continue;
            try {
                crl.verify(issuer.getPublicKey(), CertificatePool.BC);
            } catch (Exception e) {
                continue;
            }
            X509CRLEntry entry = crl.getRevokedCertificate(cert.getSerialNumber());
            Result r = entry != null
                    ? new Result(Status.REVOKED, entry.getRevocationDate(),
                            entry.getRevocationReason() == null ? null : entry.getRevocationReason().name(),
                            crl.getThisUpdate(), "CRL", c.fromDss())
                    : new Result(Status.GOOD, null, null, crl.getThisUpdate(), "CRL", c.fromDss());
            best = better(best, r);
        }
        for (Ocsp o : ocsps) {
            if (onlyDss && !o.fromDss()) continue;
            Result r = fromOcsp(o, cert, issuer);
            if (r != null) best = better(best, r);
        }
        return best;
    }

    private static Result better(Result a, Result b) {
        if (a.status() == Status.NONE) return b;
        if (a.status() == Status.REVOKED && b.status() != Status.REVOKED) return a;
        if (b.status() == Status.REVOKED && a.status() != Status.REVOKED) return b;
        return b.issuedAt().after(a.issuedAt()) ? b : a;
    }

    private static Result fromOcsp(Ocsp o, X509Certificate cert, X509Certificate issuer) {
        try {
            BasicOCSPResp resp = o.response();
            X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
            if (!responderAuthorised(resp, issuer, issuerHolder)) return null;
            for (SingleResp single : resp.getResponses()) {
                CertificateID id = single.getCertID();
                if (!id.getSerialNumber().equals(cert.getSerialNumber())) continue;
                if (!id.matchesIssuer(issuerHolder, DIGESTS)) continue;
                Object status = single.getCertStatus();
                Date at = resp.getProducedAt();
                if (status == null) return new Result(Status.GOOD, null, null, at, "OCSP", o.fromDss());
                if (status instanceof RevokedStatus rs) {
                    String reason = rs.hasRevocationReason() ? String.valueOf(rs.getRevocationReason()) : null;
                    return new Result(Status.REVOKED, rs.getRevocationTime(), reason, at, "OCSP", o.fromDss());
                }
                if (status instanceof UnknownStatus) return new Result(Status.UNKNOWN, null, null, at, "OCSP", o.fromDss());
            }
        } catch (Exception e) {
            return null;
        }
        return null;
    }

    /** RFC 6960 4.2.2.2: signed by the issuer itself, or by a responder the issuer certified for OCSP signing. */
    private static boolean responderAuthorised(BasicOCSPResp resp, X509Certificate issuer, X509CertificateHolder issuerHolder)
            throws Exception {
        if (resp.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(CertificatePool.BC).build(issuer.getPublicKey()))) {
            return true;
        }
        JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
        for (X509CertificateHolder h : resp.getCerts()) {
            if (!h.getIssuer().equals(issuerHolder.getSubject())) continue;
            X509Certificate responder = conv.getCertificate(h);
            try {
                responder.verify(issuer.getPublicKey(), CertificatePool.BC);
            } catch (Exception e) {
                continue;
            }
            List<String> eku = responder.getExtendedKeyUsage();
            if (eku == null || !eku.contains(KeyPurposeId.id_kp_OCSPSigning.getId())) continue;
            if (resp.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(CertificatePool.BC).build(responder.getPublicKey()))) {
                return true;
            }
        }
        return false;
    }

    /** Certificates carried by OCSP responses (delegated responders), for the pool. */
    List<X509Certificate> responderCertificates() {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
        for (Ocsp o : ocsps) {
            for (X509CertificateHolder h : o.response().getCerts()) {
                try {
                    out.add(conv.getCertificate(h));
                } catch (Exception ignored) {
                    // a certificate that does not parse is no candidate
                }
            }
        }
        return out;
    }

    static boolean sameSerial(BigInteger a, BigInteger b) {
        return a.equals(b);
    }
}
