package dev.signet.hsm;

import java.security.PublicKey;
import org.bouncycastle.operator.ContentSigner;

/**
 * A signer bound to one key and that key's purpose: what the wiring code hands to a module (a CA's
 * certificate and CRL signer, an OCSP signer, a timestamp signer, a document signer). It holds no
 * key material. Each call names what is being signed, and the boundary refuses a {@link SignedObject}
 * that the key's purpose does not permit with {@link HsmException.PurposeMismatch}.
 */
public interface ScopedSigner {

    KeyPurpose purpose();

    /** The key's label in the backend (for records and logs; it grants nothing). */
    String keyLabel();

    KeyAlgorithm keyAlgorithm();

    PublicKey publicKey();

    /** The scheme used when none is named ({@link SignatureAlgorithm#defaultFor}). */
    default SignatureAlgorithm defaultAlgorithm() {
        return SignatureAlgorithm.defaultFor(keyAlgorithm());
    }

    /**
     * A single-use Bouncy Castle signer for one object of kind {@code what}. The content is hashed
     * outside the boundary and only the digest crosses it (except pure Ed25519).
     */
    ContentSigner contentSigner(SignedObject what, SignatureAlgorithm algorithm);

    default ContentSigner contentSigner(SignedObject what) {
        return contentSigner(what, defaultAlgorithm());
    }

    /** Signs a digest computed with {@link SignatureAlgorithm#digestAlgorithm()} (external signing). */
    byte[] signDigest(SignedObject what, SignatureAlgorithm algorithm, byte[] digest);

    /** Signs a whole message (needed for pure Ed25519, which has no digest form). */
    byte[] sign(SignedObject what, SignatureAlgorithm algorithm, byte[] message);
}
