package dev.signet.signing;

import dev.signet.hsm.SignatureAlgorithm;
import dev.signet.signing.SigningException.Kind;
import dev.signet.signing.pades.CadesSignature;
import dev.signet.signing.pades.Timestamps;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Detached CAdES (CMS) signatures over any file, for documents that are not PDFs: the same
 * baseline SignerInfo as PAdES (content-type, message-digest, signing-certificate-v2), B-B or B-T.
 * The file is streamed through the digest; only the signed attributes' digest reaches the HSM.
 */
public final class CadesSigner {

    private final Timestamps timestamps;

    /** @param timestamps the TSA for B-T, or null (only B-B is then possible) */
    public CadesSigner(TimestampSource timestamps) {
        this.timestamps = timestamps == null ? null : new Timestamps(timestamps);
    }

    /**
     * @return the DER CMS SignedData (a {@code .p7s}), without the content
     * @throws SigningException BAD_OPTION for B-LT/B-LTA (not offered for detached CAdES), TIMESTAMP_UNAVAILABLE for B-T without a TSA
     */
    public byte[] sign(Path file, SigningIdentity identity, PadesLevel level) {
        if (level.atLeast(PadesLevel.B_LT)) {
            throw new SigningException(Kind.BAD_OPTION, "detached CAdES is offered at B-B and B-T");
        }
        if (level == PadesLevel.B_T && timestamps == null) {
            throw new SigningException(Kind.TIMESTAMP_UNAVAILABLE, "B-T needs a time-stamp authority and none is configured");
        }
        SignatureAlgorithm algorithm = identity.signer().defaultAlgorithm();
        byte[] digest;
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance(CadesSignature.documentDigest(algorithm));
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            digest = md.digest();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return CadesSignature.sign(identity, algorithm, digest, level == PadesLevel.B_T ? timestamps : null);
    }
}
