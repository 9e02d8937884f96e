package dev.signet.ca.lint;

import java.util.Optional;

/** Certificates with extensions must be v3; Signet issues only v3. */
final class VersionV3 extends BaseRule {
    VersionV3() {
        super("version-v3", "RFC 5280 4.1.2.1");
    }

    @Override
    public boolean needsParsedTbs() {
        return false;
    }

    @Override
    public Optional<String> check(LintTarget t) {
        int v = t.rawVersion();
        return v == 3 ? ok() : fail("version is v" + v + ", must be v3");
    }
}
