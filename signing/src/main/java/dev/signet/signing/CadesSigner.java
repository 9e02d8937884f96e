package dev.signet.signing;

import dev.signet.hsm.SignatureAlgorithm;
import dev.signet.signing.SigningException.Kind;
import dev.signet.signing.pades.CadesSignature;
import dev.signet.signing.pades.RevocationCollector;
import dev.signet.signing.pades.ValidationData;
import dev.signet.signing.pades.Timestamps;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Detached CAdES (CMS) signatures over any file, for documents that are not PDFs: the baseline
 * SignerInfo of PAdES (content-type, message-digest, signing-certificate-v2) plus the signing-time
 * that CAdES baseline signatures must carry, at B-B, B-T
 * or B-LT (the certificates and OCSP responses or CRLs of the signer's and the TSA's chains in the
 * SignedData). The file is streamed through the digest; only the signed attributes' digest reaches
 * the HSM.
 */
public final class CadesSigner {

    private final Timestamps timestamps;
    private final RevocationSource revocation;

    /** @param timestamps the TSA for B-T, or null (only B-B is then possible) */
    public CadesSigner(TimestampSource timestamps) {
        this(timestamps, null);
    }

    /** @param revocation the OCSP responses and CRLs for B-LT, or null (B-LT is then refused) */
    public CadesSigner(TimestampSource timestamps, RevocationSource revocation) {
        this.timestamps = timestamps == null ? null : new Timestamps(timestamps);
        this.revocation = revocation;
    }

    /**
     * @return the DER CMS SignedData (a {@code .p7s}), without the content
     * @throws SigningException BAD_OPTION for B-LTA (not offered for detached CAdES), TIMESTAMP_UNAVAILABLE for
     *                          B-T or B-LT without a TSA, REVOCATION_UNAVAILABLE for B-LT without revocation data
     */
    public byte[] sign(Path file, SigningIdentity identity, PadesLevel level) {
        if (level == PadesLevel.B_LTA) {
            throw new SigningException(Kind.BAD_OPTION, "detached CAdES is offered at B-B, B-T and B-LT");
        }
        if (level.atLeast(PadesLevel.B_T) && timestamps == null) {
            throw new SigningException(Kind.TIMESTAMP_UNAVAILABLE, level.id() + " needs a time-stamp authority and none is configured");
        }
        if (level == PadesLevel.B_LT && revocation == null) {
            throw new SigningException(Kind.REVOCATION_UNAVAILABLE, "B-LT needs revocation data and no source is configured");
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
        byte[] cms = CadesSignature.sign(identity, algorithm, digest, level.atLeast(PadesLevel.B_T) ? timestamps : null,
                java.time.Instant.now());
        if (level != PadesLevel.B_LT) {
            return cms;
        }
        ValidationData data = new RevocationCollector(revocation).add(identity.chain()).addSignatureTimestamps(cms).collect();
        return CadesSignature.withValidationData(cms, data);
    }
}
