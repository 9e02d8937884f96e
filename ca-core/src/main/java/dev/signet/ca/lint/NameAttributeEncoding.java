package dev.signet.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1PrintableString;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Subject and issuer attributes use the encodings RFC 5280 requires: DirectoryString values as
 * PrintableString or UTF8String (4.1.2.4: CAs MUST use one of these two), countryName a
 * two-letter PrintableString and serialNumber a PrintableString (Appendix A), emailAddress and
 * domainComponent IA5String.
 */
final class NameAttributeEncoding extends BaseRule {
    NameAttributeEncoding() {
        super("name-attribute-encoding", "RFC 5280 4.1.2.4, Appendix A");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        String s = problem("subject", t.tbs().getSubject());
        String i = problem("issuer", t.tbs().getIssuer());
        return s != null ? fail(s) : i != null ? fail(i) : ok();
    }

    private static String problem(String field, X500Name name) {
        for (RDN rdn : name.getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                ASN1ObjectIdentifier type = atv.getType();
                ASN1Encodable v = atv.getValue();
                String label = field + " " + BCStyle.INSTANCE.oidToDisplayName(type);
                if (type.equals(BCStyle.C)) {
                    if (!(v instanceof ASN1PrintableString p) || !p.getString().matches("[A-Z]{2}")) {
                        return label + " must be a two-letter PrintableString";
                    }
                } else if (type.equals(BCStyle.SERIALNUMBER)) {
                    if (!(v instanceof ASN1PrintableString)) {
                        return label + " must be a PrintableString";
                    }
                } else if (type.equals(BCStyle.EmailAddress) || type.equals(BCStyle.DC)) {
                    if (!(v instanceof ASN1IA5String)) {
                        return label + " must be an IA5String";
                    }
                } else if (!(v instanceof ASN1PrintableString) && !(v instanceof ASN1UTF8String)) {
                    return label + " must be a PrintableString or UTF8String";
                }
                if (v.toString().isEmpty()) {
                    return label + " is empty";
                }
            }
        }
        return null;
    }
}
