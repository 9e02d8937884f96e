package dev.signet.ca.lint;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.Extension;

/** A certificate MUST NOT include more than one instance of a particular extension. */
final class NoDuplicateExtensions extends BaseRule {
    NoDuplicateExtensions() {
        super("no-duplicate-extensions", "RFC 5280 4.2");
    }

    @Override
    public boolean needsParsedTbs() {
        return false;
    }

    @Override
    public Optional<String> check(LintTarget t) {
        Set<ASN1ObjectIdentifier> seen = new HashSet<>();
        for (Extension e : t.rawExtensions()) {
            if (!seen.add(e.getExtnId())) {
                return fail("extension " + e.getExtnId() + " appears more than once");
            }
        }
        return ok();
    }
}
