package dev.signet.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * subjectAltName entries are well formed: at least one name; dNSName in preferred name syntax
 * (a leading wildcard label allowed), rfc822Name a mailbox, URI with a scheme, iPAddress 4 or 16
 * octets. An empty dNSName, rfc822Name or URI MUST NOT be used.
 */
final class SanWellFormed extends BaseRule {

    private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";

    SanWellFormed() {
        super("san-well-formed", "RFC 5280 4.2.1.6");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        Extension e = t.extension(Extension.subjectAlternativeName);
        if (e == null) {
            return ok();
        }
        GeneralName[] names = GeneralNames.getInstance(e.getParsedValue()).getNames();
        if (names.length == 0) {
            return fail("subjectAltName is empty");
        }
        for (GeneralName n : names) {
            switch (n.getTagNo()) {
                case GeneralName.dNSName -> {
                    String v = ((ASN1String) n.getName()).getString();
                    if (v.length() > 253 || !v.matches("(\\*\\.)?(" + LABEL + "\\.)*" + LABEL)) {
                        return fail("dNSName '" + v + "' is not a host name");
                    }
                }
                case GeneralName.rfc822Name -> {
                    String v = ((ASN1String) n.getName()).getString();
                    if (!v.matches("[^@\\s]+@[^@\\s]+")) {
                        return fail("rfc822Name '" + v + "' is not a mailbox");
                    }
                }
                case GeneralName.uniformResourceIdentifier -> {
                    String v = ((ASN1String) n.getName()).getString();
                    if (!v.matches("[A-Za-z][A-Za-z0-9+.-]*:.+")) {
                        return fail("URI '" + v + "' has no scheme");
                    }
                }
                case GeneralName.iPAddress -> {
                    int len = ASN1OctetString.getInstance(n.getName()).getOctets().length;
                    if (len != 4 && len != 16) {
                        return fail("iPAddress of " + len + " octets");
                    }
                }
                default -> {
                    // other name forms are checked against the profile, not here
                }
            }
        }
        return ok();
    }
}
