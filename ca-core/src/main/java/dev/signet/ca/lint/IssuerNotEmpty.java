package dev.signet.ca.lint;

import java.util.Optional;

/** The issuer field MUST contain a non-empty distinguished name. */
final class IssuerNotEmpty extends BaseRule {
    IssuerNotEmpty() {
        super("issuer-not-empty", "RFC 5280 4.1.2.4");
    }

    @Override
    public boolean needsParsedTbs() {
        return false;
    }

    @Override
    public Optional<String> check(LintTarget t) {
        return t.rawIssuer().getRDNs().length > 0 ? ok() : fail("issuer name is empty");
    }
}
