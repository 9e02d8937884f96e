package dev.signet.ca.lint;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;

/**
 * Runs every rule over a to-be-signed certificate. Issuance calls {@link #enforce} before the
 * signature; a failure lists every rule broken, not just the first, so one run shows all that is wrong.
 */
public final class Linter {

    private final List<LintRule> rules;

    public Linter(List<LintRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The RFC 5280 (and RFC 3161, 6960, 5480, 8410, 3279) rules Signet applies to every certificate. */
    public static Linter standard() {
        return new Linter(Rules.all());
    }

    public List<LintRule> rules() {
        return rules;
    }

    /** Every violation of {@code tbsDer}; empty if it passes. */
    public List<Violation> check(byte[] tbsDer, IssuerContext issuer, boolean intendedCa) {
        ASN1Sequence raw;
        try {
            raw = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(tbsDer));
        } catch (IOException | IllegalArgumentException e) {
            return List.of(new Violation("tbs-structure", "RFC 5280 4.1", "not a DER sequence: " + e.getMessage()));
        }
        LintTarget target = new LintTarget(raw, issuer, intendedCa);
        List<Violation> out = new ArrayList<>();
        if (target.tbs() == null) {
            out.add(new Violation("tbs-structure", "RFC 5280 4.1", "not a TBSCertificate: " + target.parseError()));
        }
        for (LintRule rule : rules) {
            if (target.tbs() == null && rule.needsParsedTbs()) {
                continue;
            }
            Optional<String> problem;
            try {
                problem = rule.check(target);
            } catch (RuntimeException e) {
                // A rule that cannot read its input has found malformed input: that is a violation too.
                problem = Optional.of("cannot be checked: " + e.getMessage());
            }
            problem.ifPresent(p -> out.add(new Violation(rule.name(), rule.source(), p)));
        }
        return out;
    }

    /** Throws {@link LintException} listing every violation, if there is one. */
    public void enforce(byte[] tbsDer, IssuerContext issuer, boolean intendedCa) {
        List<Violation> v = check(tbsDer, issuer, intendedCa);
        if (!v.isEmpty()) {
            throw new LintException(v);
        }
    }
}
