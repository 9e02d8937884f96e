package dev.signet.ca;

import dev.signet.hsm.KeyAlgorithm;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How one time-stamp authority is configured: its name (the default one is {@value #DEFAULT},
 * served at {@code /tsa}; others at {@code /tsa/{name}}), the policy OID its tokens carry (a
 * request naming another policy is refused), the accuracy it states, whether SHA-1 imprints are
 * accepted (they are not by default), and how its key and certificate are made when Signet creates
 * it: key algorithm, subject, and the Signet CA that certifies it ({@code caId}; null for the
 * caller's default) or an external CA ({@code externalCa}: Signet makes a CSR and waits for the
 * certificate to be imported).
 */
public record TsaSettings(String name, String policyOid, Duration accuracy, boolean acceptSha1, KeyAlgorithm keyAlgorithm,
        String subject, String caId, boolean externalCa) {

    /** The TSA at {@code POST /tsa}, the one Signet's own signatures use. */
    public static final String DEFAULT = "default";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern OID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]*))+");

    public TsaSettings {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a TSA name is 1-63 lower-case letters, digits and '-', not '" + name + "'");
        }
        if (policyOid == null || !OID.matcher(policyOid).matches()) {
            throw new IllegalArgumentException("not an object identifier: '" + policyOid + "'");
        }
        if (accuracy == null || accuracy.isNegative()) {
            throw new IllegalArgumentException("the accuracy must be zero or more");
        }
        if (keyAlgorithm == null || keyAlgorithm.isSymmetric()) {
            throw new IllegalArgumentException("a TSA needs a signing key algorithm");
        }
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("a TSA needs a subject");
        }
        if (externalCa && caId != null) {
            throw new IllegalArgumentException("a TSA is certified by a Signet CA or by an external one, not both");
        }
    }

    /** The HTTP path it is served at. */
    public String path() {
        return DEFAULT.equals(name) ? "/tsa" : "/tsa/" + name;
    }
}
