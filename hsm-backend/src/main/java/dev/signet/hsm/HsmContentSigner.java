package dev.signet.hsm;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;

/**
 * Bouncy Castle's {@link ContentSigner} over a key handle, so that certificates, CRLs, OCSP
 * responses, timestamps and CMS structures are all signed through the boundary.
 *
 * <p>The content is hashed here and only the digest crosses the boundary (a remote HSM never
 * receives whole documents); pure Ed25519 has no digest form, so for it the content is buffered.
 * One instance signs once, like every BC content signer: create a new one per signature.
 */
public final class HsmContentSigner implements ContentSigner {

    private final Hsm hsm;
    private final KeyHandle key;
    private final SignedObject what;
    private final SignatureAlgorithm algorithm;
    private final AlgorithmIdentifier algorithmIdentifier;
    private final MessageDigest digest;
    private final ByteArrayOutputStream buffer;
    private final OutputStream out;

    private HsmContentSigner(Hsm hsm, KeyHandle key, SignedObject what, SignatureAlgorithm algorithm) {
        if (!algorithm.fits(key.algorithm())) {
            throw new HsmException.AlgorithmMismatch(
                    algorithm + " does not fit key '" + key.label() + "' (" + key.algorithm() + ")");
        }
        this.hsm = hsm;
        this.key = key;
        this.what = java.util.Objects.requireNonNull(what, "what");
        this.algorithm = algorithm;
        this.algorithmIdentifier = new DefaultSignatureAlgorithmIdentifierFinder().find(algorithm.jcaName());
        if (algorithm.digestAlgorithm() == null) {
            this.digest = null;
            this.buffer = new ByteArrayOutputStream();
            this.out = buffer;
        } else {
            try {
                this.digest = MessageDigest.getInstance(algorithm.digestAlgorithm());
            } catch (NoSuchAlgorithmException e) {
                throw new HsmException.Unsupported("digest " + algorithm.digestAlgorithm() + " unavailable");
            }
            this.buffer = null;
            this.out = new DigestOutputStream(digest);
        }
    }

    /** A signer for one object of kind {@code what} with {@code key} and the given scheme. */
    public static HsmContentSigner of(Hsm hsm, KeyHandle key, SignedObject what, SignatureAlgorithm algorithm) {
        return new HsmContentSigner(hsm, key, what, algorithm);
    }

    /** As above, with the key's default scheme ({@link SignatureAlgorithm#defaultFor}). */
    public static HsmContentSigner of(Hsm hsm, KeyHandle key, SignedObject what) {
        return new HsmContentSigner(hsm, key, what, SignatureAlgorithm.defaultFor(key.algorithm()));
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithmIdentifier;
    }

    @Override
    public OutputStream getOutputStream() {
        return out;
    }

    @Override
    public byte[] getSignature() {
        if (digest == null) {
            return hsm.sign(key, what, algorithm, buffer.toByteArray());
        }
        return hsm.signDigest(key, what, algorithm, digest.digest());
    }

    private static final class DigestOutputStream extends OutputStream {
        private final MessageDigest digest;

        DigestOutputStream(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        public void write(int b) {
            digest.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            digest.update(b, off, len);
        }
    }
}
