package dev.signet.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** An Ed25519 subject key has absent parameters and a 32-octet key. */
final class Ed25519KeyEncoding extends BaseRule {
    Ed25519KeyEncoding() {
        super("ed25519-key-encoding", "RFC 8410 3, 4");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        SubjectPublicKeyInfo spki = t.tbs().getSubjectPublicKeyInfo();
        if (!spki.getAlgorithm().getAlgorithm().equals(EdECObjectIdentifiers.id_Ed25519)) {
            return ok();
        }
        if (spki.getAlgorithm().getParameters() != null) {
            return fail("Ed25519 parameters must be absent");
        }
        int len = spki.getPublicKeyData().getBytes().length;
        return len == 32 ? ok() : fail("Ed25519 key of " + len + " octets");
    }
}
