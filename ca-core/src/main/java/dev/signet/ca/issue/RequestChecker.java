package dev.signet.ca.issue;

import dev.signet.ca.CaException;
import dev.signet.ca.profile.Profile;
import dev.signet.ca.profile.SanType;
import dev.signet.ca.profile.SubjectAttributes;
import dev.signet.ca.VisibleText;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Applies a profile to a request: proof of possession, key strength, every subject attribute and
 * every SAN. What passes becomes a {@link CheckedRequest}; what does not is a {@link CaException}
 * with a specific code. The requester proposes names; the profile decides everything else.
 */
public final class RequestChecker {

    /** More names than this is not a certificate, it is a directory. */
    static final int MAX_SANS = 100;
    /** Subject attributes: a real subject has a handful. */
    static final int MAX_SUBJECT_ATTRIBUTES = 30;
    /** The subject's DER: a few hundred bytes in practice. */
    static final int MAX_SUBJECT_BYTES = 2048;

    /** Upper bounds from RFC 5280 Appendix A (ub-*); 64 for the rest. */
    private static final Map<ASN1ObjectIdentifier, Integer> MAX_LENGTH = Map.of(
            BCStyle.L, 128, BCStyle.ST, 128, BCStyle.STREET, 128, BCStyle.EmailAddress, 255, BCStyle.DC, 63);

    private RequestChecker() {
    }

    /** Checks a PKCS#10 CSR (PEM or DER) against {@code profile}. */
    public static CheckedRequest fromCsr(byte[] csrBytes, Profile profile, String requester) {
        PKCS10CertificationRequest csr = CsrParser.parse(csrBytes);
        // Key type and size first: they bound what the signature check below may cost.
        String keyAlgorithm = KeyChecks.check(csr.getSubjectPublicKeyInfo(), profile.keys());
        ProofOfPossession.verify(csr);
        List<GeneralName> requestedSans = requestedSans(csr, profile);
        return check(profile, csr.getSubject(), csr.getSubjectPublicKeyInfo(), keyAlgorithm, requestedSans, requester);
    }

    /** Checks a request for a key generated inside the HSM (signer identities, sub-CAs): no CSR to verify. */
    public static CheckedRequest forServerKey(SubjectPublicKeyInfo key, X500Name subject, List<GeneralName> sans,
            Profile profile, String requester) {
        String keyAlgorithm = KeyChecks.check(key, profile.keys());
        return check(profile, subject, key, keyAlgorithm, sans, requester);
    }

    /**
     * Checks a renewal of {@code previous}: the same subject and SANs, under {@code profile} as it
     * is now, for the same key or, when {@code newCsr} is given, for that CSR's key (its proof of
     * possession is verified; its names are not used).
     */
    public static CheckedRequest forRenewal(org.bouncycastle.asn1.x509.Certificate previous, byte[] newCsr, Profile profile,
            String requester) {
        SubjectPublicKeyInfo key = previous.getSubjectPublicKeyInfo();
        if (newCsr != null) {
            PKCS10CertificationRequest csr = CsrParser.parse(newCsr);
            ProofOfPossession.verify(csr);
            key = csr.getSubjectPublicKeyInfo();
        }
        List<GeneralName> sans = new ArrayList<>();
        Extensions extensions = previous.getTBSCertificate().getExtensions();
        GeneralNames names = extensions == null ? null : GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
        if (names != null) {
            sans.addAll(List.of(names.getNames()));
        }
        String keyAlgorithm = KeyChecks.check(key, profile.keys());
        return check(profile, previous.getSubject(), key, keyAlgorithm, sans, requester);
    }

    private static CheckedRequest check(Profile profile, X500Name subject, SubjectPublicKeyInfo key, String keyAlgorithm,
            List<GeneralName> requestedSans, String requester) {
        if (requester == null || requester.isBlank()) {
            throw CaException.badRequest("requester-missing", "the requester is required");
        }
        X500Name normalized = checkSubject(subject, profile);
        List<GeneralName> sans = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        checkSans(requestedSans, profile, sans, texts);
        if (normalized.getRDNs().length == 0 && sans.isEmpty()) {
            throw CaException.refused("subject-empty", "the request names nothing: empty subject and no subjectAltName");
        }
        if (profile.subjectAltNames().required() && profile.subjectAltNames().allows(SanType.DNS)) {
            // Clients ignore the CN when SANs are present; a CN naming another host would mislead people.
            for (RDN rdn : normalized.getRDNs(BCStyle.CN)) {
                String cn = rdn.getFirst().getValue().toString();
                if (!texts.contains("DNS:" + cn.toLowerCase(java.util.Locale.ROOT)) && !texts.contains("IP:" + cn)) {
                    throw CaException.refused("cn-not-in-san", "the common name '" + cn + "' is not one of the subjectAltNames");
                }
            }
        }
        return new CheckedRequest(profile, normalized, key, sans, texts, keyAlgorithm, requester);
    }

    /** SANs from the CSR's extensionRequest; any other requested extension only where the profile allows it. */
    private static List<GeneralName> requestedSans(PKCS10CertificationRequest csr, Profile profile) {
        Attribute[] attrs = csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest);
        if (attrs.length == 0) {
            return List.of();
        }
        if (attrs.length > 1 || attrs[0].getAttrValues().size() != 1) {
            throw CaException.badRequest("csr-unparseable", "the CSR has more than one extensionRequest");
        }
        Extensions requested;
        try {
            requested = Extensions.getInstance(attrs[0].getAttrValues().getObjectAt(0));
        } catch (IllegalArgumentException e) {
            throw CaException.badRequest("csr-unparseable", "the CSR's extensionRequest does not parse: " + e.getMessage());
        }
        List<GeneralName> sans = new ArrayList<>();
        for (ASN1ObjectIdentifier oid : requested.getExtensionOIDs()) {
            if (oid.equals(Extension.subjectAlternativeName)) {
                try {
                    for (GeneralName n : GeneralNames.fromExtensions(requested, oid).getNames()) {
                        sans.add(n);
                    }
                } catch (IllegalArgumentException e) {
                    throw CaException.badRequest("csr-unparseable", "the requested subjectAltName does not parse");
                }
            } else if (!profile.csrExtensionsAllowed()) {
                throw CaException.refused("csr-extension-not-allowed", "profile '" + profile.name()
                        + "' does not let a CSR request extension " + oid.getId() + "; the profile sets the extensions");
            }
        }
        return sans;
    }

    private static X500Name checkSubject(X500Name subject, Profile profile) {
        int attributes = 0;
        for (RDN rdn : subject.getRDNs()) {
            attributes += rdn.size();
        }
        if (attributes > MAX_SUBJECT_ATTRIBUTES) {
            throw CaException.refused("subject-too-large", "the subject has " + attributes + " attributes; at most "
                    + MAX_SUBJECT_ATTRIBUTES);
        }
        int size;
        try {
            size = subject.getEncoded().length;
        } catch (java.io.IOException e) {
            throw CaException.badRequest("subject-malformed", "the subject cannot be encoded");
        }
        if (size > MAX_SUBJECT_BYTES) {
            throw CaException.refused("subject-too-large", "the subject is " + size + " bytes; at most " + MAX_SUBJECT_BYTES);
        }
        List<RDN> out = new ArrayList<>();
        Set<String> present = new LinkedHashSet<>();
        for (RDN rdn : subject.getRDNs()) {
            List<AttributeTypeAndValue> values = new ArrayList<>();
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                String name = SubjectAttributes.shortName(atv.getType());
                if (name == null || !profile.subject().allowed().contains(name)) {
                    String shown = name != null ? name : atv.getType().getId();
                    throw CaException.refused("subject-attribute-not-allowed",
                            "profile '" + profile.name() + "' does not allow subject attribute " + shown);
                }
                present.add(name);
                values.add(new AttributeTypeAndValue(atv.getType(), reencode(name, atv.getType(), atv.getValue())));
            }
            out.add(values.size() == 1 ? new RDN(values.get(0)) : new RDN(values.toArray(new AttributeTypeAndValue[0])));
        }
        for (String required : profile.subject().required()) {
            if (!present.contains(required)) {
                throw CaException.refused("subject-attribute-required",
                        "profile '" + profile.name() + "' requires subject attribute " + required);
            }
        }
        return new X500Name(out.toArray(new RDN[0]));
    }

    /** The value in the string type RFC 5280 asks for; refuses values that cannot be encoded so. */
    private static ASN1Encodable reencode(String name, ASN1ObjectIdentifier type, ASN1Encodable value) {
        if (!(value instanceof ASN1String s)) {
            throw CaException.badRequest("subject-malformed", "subject attribute " + name + " is not a string");
        }
        String v = s.getString();
        int max = MAX_LENGTH.getOrDefault(type, 64);
        if (v.isEmpty() || v.length() > max) {
            throw CaException.refused("subject-malformed", "subject attribute " + name + " must have 1 to " + max + " characters");
        }
        for (int i = 0; i < v.length(); i++) {
            if (Character.isISOControl(v.charAt(i))) {
                throw CaException.refused("subject-malformed", "subject attribute " + name + " contains control characters");
            }
        }
        int invisible = VisibleText.firstInvisible(v);
        if (invisible >= 0) {
            // A zero-width space or a right-to-left override makes one name look like another.
            throw CaException.refused("subject-malformed", "subject attribute " + name + " contains an invisible or "
                    + "bidirectional control character" + String.format(" (U+%04X)", v.codePointAt(invisible)));
        }
        if (type.equals(BCStyle.C)) {
            if (!v.matches("[A-Z]{2}")) {
                throw CaException.refused("subject-malformed", "country must be two upper-case letters (ISO 3166)");
            }
            return new DERPrintableString(v);
        }
        if (type.equals(BCStyle.EmailAddress) || type.equals(BCStyle.DC)) {
            if (!v.chars().allMatch(c -> c < 0x80)) {
                throw CaException.refused("subject-malformed", "subject attribute " + name + " must be ASCII");
            }
            return new DERIA5String(v);
        }
        if (type.equals(BCStyle.SERIALNUMBER)) {
            if (!DERPrintableString.isPrintableString(v)) {
                throw CaException.refused("subject-malformed", "serialNumber must use PrintableString characters");
            }
            return new DERPrintableString(v);
        }
        return DERPrintableString.isPrintableString(v) ? new DERPrintableString(v) : new DERUTF8String(v);
    }

    private static void checkSans(List<GeneralName> requested, Profile profile, List<GeneralName> sans, List<String> texts) {
        if (requested.size() > MAX_SANS) {
            throw CaException.refused("san-too-many", "at most " + MAX_SANS + " subjectAltNames");
        }
        for (GeneralName n : requested) {
            SanType type = SanType.ofTag(n.getTagNo());
            if (type == null || !profile.subjectAltNames().allows(type)) {
                throw CaException.refused("san-type-not-allowed", "profile '" + profile.name() + "' does not allow "
                        + (type == null ? "subjectAltNames of GeneralName type " + n.getTagNo() : type.jsonName() + " subjectAltNames"));
            }
            String value = text(type, n);
            if (type == SanType.DNS) {
                // RFC 4343: DNS names are case-insensitive; written lower-cased, as public CAs do.
                value = value.toLowerCase(java.util.Locale.ROOT);
                n = new GeneralName(GeneralName.dNSName, value);
            }
            if (!profile.subjectAltNames().accepts(type, value)) {
                throw CaException.refused("san-not-allowed", "profile '" + profile.name() + "' does not allow "
                        + type.jsonName() + " name '" + value + "'");
            }
            String recorded = prefix(type) + value;
            if (!texts.contains(recorded)) {
                texts.add(recorded);
                sans.add(n);
            }
        }
        if (profile.subjectAltNames().required() && sans.isEmpty()) {
            throw CaException.refused("san-required", "profile '" + profile.name() + "' requires at least one subjectAltName");
        }
    }

    private static String text(SanType type, GeneralName n) {
        if (type == SanType.IP) {
            byte[] octets = ASN1OctetString.getInstance(n.getName()).getOctets();
            if (octets.length != 4 && octets.length != 16) {
                throw CaException.badRequest("san-malformed", "an IP subjectAltName has 4 or 16 octets");
            }
            try {
                return InetAddress.getByAddress(octets).getHostAddress();
            } catch (UnknownHostException e) {
                throw CaException.badRequest("san-malformed", "bad IP subjectAltName");
            }
        }
        if (!(n.getName() instanceof ASN1String s)) {
            throw CaException.badRequest("san-malformed", "a " + type.jsonName() + " subjectAltName is not a string");
        }
        String v = s.getString();
        int max = type == SanType.URI ? 2000 : 253;
        if (v.isEmpty() || v.length() > max || !v.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw CaException.refused("san-not-allowed", "a " + type.jsonName() + " subjectAltName must be 1 to " + max
                    + " printable ASCII characters");
        }
        return v;
    }

    private static String prefix(SanType type) {
        return switch (type) {
            case DNS -> "DNS:";
            case IP -> "IP:";
            case EMAIL -> "email:";
            case URI -> "URI:";
        };
    }
}
