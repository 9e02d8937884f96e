package dev.signet.ca.lint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;

/**
 * A to-be-signed certificate under lint, with its issuer context and what the profile intends
 * (a CA certificate or an end-entity one). Keeps the raw ASN.1 too: some faults (a repeated
 * extension) make the structure unparseable as a {@link TBSCertificate}, and rules must still see them.
 */
public final class LintTarget {

    private final ASN1Sequence raw;
    private final TBSCertificate tbs;
    private final String parseError;
    private final IssuerContext issuer;
    private final boolean intendedCa;
    private Instant notBefore;
    private Instant notAfter;

    LintTarget(ASN1Sequence raw, IssuerContext issuer, boolean intendedCa) {
        this.raw = raw;
        this.issuer = issuer;
        this.intendedCa = intendedCa;
        TBSCertificate parsed = null;
        String error = null;
        try {
            parsed = TBSCertificate.getInstance(raw);
        } catch (IllegalArgumentException | IllegalStateException e) {
            error = e.getMessage();
        }
        this.tbs = parsed;
        this.parseError = error;
    }

    /** The raw TBSCertificate sequence. */
    public ASN1Sequence raw() {
        return raw;
    }

    /** The parsed TBSCertificate, or null if it does not parse (see {@link #parseError()}). */
    public TBSCertificate tbs() {
        return tbs;
    }

    public String parseError() {
        return parseError;
    }

    /** notBefore, decoded once for all the rules that compare times (BC decodes a Time with a new SimpleDateFormat). */
    public Instant notBefore() {
        if (notBefore == null) {
            notBefore = tbs.getStartDate().getDate().toInstant();
        }
        return notBefore;
    }

    /** notAfter, decoded once like {@link #notBefore()}. */
    public Instant notAfter() {
        if (notAfter == null) {
            notAfter = tbs.getEndDate().getDate().toInstant();
        }
        return notAfter;
    }

    public boolean intendedCa() {
        return intendedCa;
    }

    public IssuerContext issuerContext() {
        return issuer;
    }

    /** The raw extensions, in order, repeated ones included; empty if there are none. */
    public List<Extension> rawExtensions() {
        List<Extension> out = new ArrayList<>();
        for (ASN1Encodable e : raw) {
            if (e instanceof ASN1TaggedObject t && t.getTagNo() == 3) {
                for (ASN1Encodable x : ASN1Sequence.getInstance(t.getExplicitBaseObject())) {
                    out.add(Extension.getInstance(x));
                }
            }
        }
        return out;
    }

    /** The version number (1 to 3) as encoded, read from the raw structure. */
    public int rawVersion() {
        if (raw.getObjectAt(0) instanceof ASN1TaggedObject t && t.getTagNo() == 0) {
            return org.bouncycastle.asn1.ASN1Integer.getInstance(t.getExplicitBaseObject()).intValueExact() + 1;
        }
        return 1;
    }

    /** The issuer name as encoded, read from the raw structure. */
    public X500Name rawIssuer() {
        int first = raw.getObjectAt(0) instanceof ASN1TaggedObject ? 1 : 0;
        return X500Name.getInstance(raw.getObjectAt(first + 2));
    }

    public Extension extension(ASN1ObjectIdentifier oid) {
        Extensions exts = tbs.getExtensions();
        return exts == null ? null : exts.getExtension(oid);
    }

    public BasicConstraints basicConstraints() {
        Extension e = extension(Extension.basicConstraints);
        return e == null ? null : BasicConstraints.getInstance(e.getParsedValue());
    }

    /** True if basicConstraints says cA. */
    public boolean isCa() {
        BasicConstraints bc = basicConstraints();
        return bc != null && bc.isCA();
    }

    public KeyUsage keyUsage() {
        Extension e = extension(Extension.keyUsage);
        return e == null ? null : KeyUsage.getInstance(e.getParsedValue());
    }

    public byte[] subjectKeyId() {
        return subjectKeyIdOf(tbs.getExtensions());
    }

    /** The issuer's subject name (the certificate's own subject when self-signed). */
    public X500Name issuerSubject() {
        return issuer.isSelfSigned() ? tbs.getSubject() : issuerCertificate().getSubject();
    }

    /** The issuer's public key (the certificate's own when self-signed). */
    public SubjectPublicKeyInfo issuerPublicKey() {
        return issuer.isSelfSigned() ? tbs.getSubjectPublicKeyInfo() : issuerCertificate().getSubjectPublicKeyInfo();
    }

    /** The issuer's subject key identifier, or null if it has none. */
    public byte[] issuerKeyId() {
        return issuer.isSelfSigned() ? subjectKeyId() : subjectKeyIdOf(issuerCertificate().getTBSCertificate().getExtensions());
    }

    /** The issuer's certificate; null when self-signed. */
    public Certificate issuerCertificate() {
        return issuer.isSelfSigned() ? null : issuer.chain().get(0);
    }

    public AuthorityKeyIdentifier authorityKeyId() {
        Extension e = extension(Extension.authorityKeyIdentifier);
        return e == null ? null : AuthorityKeyIdentifier.getInstance(e.getParsedValue());
    }

    static byte[] subjectKeyIdOf(Extensions exts) {
        if (exts == null) {
            return null;
        }
        Extension e = exts.getExtension(Extension.subjectKeyIdentifier);
        return e == null ? null : ASN1OctetString.getInstance(e.getParsedValue()).getOctets();
    }
}
