package dev.signet.signing;

import dev.signet.signing.SigningException.Kind;
import dev.signet.signing.pades.DocumentTimestampStep;
import dev.signet.signing.pades.DssStep;
import dev.signet.signing.pades.ExistingSignatures;
import dev.signet.signing.pades.RevocationCollector;
import dev.signet.signing.pades.SignatureStep;
import dev.signet.signing.pades.Timestamps;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Signs PDFs as PAdES baseline signatures, B-B to B-LTA (ETSI EN 319 142-1). Each level is one
 * incremental update on the previous one (signature, then DSS, then document time-stamp), so the
 * bytes received are never rewritten and earlier signatures stay valid. Works file to file, on disk:
 * a document is never held in the heap whole. Safe for concurrent use.
 */
public final class PdfSigner {

    private final Timestamps timestamps;
    private final RevocationSource revocation;
    private final TimestampSource timestampSource;
    private final Path workDir;
    private final Clock clock;

    /**
     * @param timestamps the TSA for B-T and above, or null when none is configured (only B-B is then possible)
     * @param workDir    where intermediate files go (each deleted before {@link #sign} returns)
     */
    public PdfSigner(TimestampSource timestamps, RevocationSource revocation, Path workDir, Clock clock) {
        this.timestampSource = timestamps;
        this.timestamps = timestamps == null ? null : new Timestamps(timestamps);
        this.revocation = revocation;
        this.workDir = workDir;
        this.clock = clock;
    }

    /**
     * Signs {@code input} into {@code output} (which is replaced).
     *
     * @throws SigningException when the document or the options are refused, or a level's TSA or revocation data is unavailable
     */
    public SignedPdf sign(Path input, Path output, SigningIdentity identity, PdfSignOptions options) {
        PadesLevel level = options.level();
        if (level.atLeast(PadesLevel.B_T) && timestamps == null) {
            throw new SigningException(Kind.TIMESTAMP_UNAVAILABLE,
                    "level " + level.id() + " needs a time-stamp authority and none is configured");
        }
        String sha256 = sha256(input);
        List<Path> temps = new ArrayList<>();
        try {
            Path signed = temp(temps);
            SignatureStep.Result sig = SignatureStep.sign(input, signed, identity, options,
                    level.atLeast(PadesLevel.B_T) ? timestamps : null, clock.instant());
            Path last = signed;
            if (level.atLeast(PadesLevel.B_LT)) {
                RevocationCollector data = new RevocationCollector(revocation)
                        .add(identity.chain())
                        .addSignatureTimestamps(sig.cms())
                        .add(timestampSource.chain());
                Path withDss = temp(temps);
                DssStep.append(last, withDss, options.password(), data.collect());
                last = withDss;
            }
            if (level.atLeast(PadesLevel.B_LTA)) {
                Path stamped = temp(temps);
                DocumentTimestampStep.stamp(last, stamped, options.password(), timestamps);
                last = stamped;
            }
            Files.move(last, output, StandardCopyOption.REPLACE_EXISTING);
            return new SignedPdf(sha256, level, sig.fieldName());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (Path p : temps) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: the work directory is private to this process
                }
            }
        }
    }

    /**
     * Raises an already signed PDF to {@code target} without signing it again: a document
     * time-stamp gives B-T to signatures that have none, the DSS brings every signature's and
     * time-stamp's chains and revocation data (B-LT), and a further document time-stamp over it all
     * makes B-LTA. On a B-LTA file, B-LTA again re-stamps it (before the last time-stamp's certificate
     * expires), first adding validation data for that last time-stamp.
     *
     * @throws SigningException of kind BAD_OPTION when the PDF has no signature to extend
     */
    public SignedPdf extend(Path input, Path output, PadesLevel target, String password) {
        if (target == PadesLevel.B_B) {
            throw new SigningException(Kind.BAD_OPTION, "B-B is where every signature starts; extend to B-T, B-LT or B-LTA");
        }
        if (timestamps == null) {
            throw new SigningException(Kind.TIMESTAMP_UNAVAILABLE,
                    "extending to " + target.id() + " needs a time-stamp authority and none is configured");
        }
        String sha256 = sha256(input);
        List<Path> temps = new ArrayList<>();
        try {
            ExistingSignatures existing = ExistingSignatures.read(input, password);
            if (existing.isEmpty()) {
                throw new SigningException(Kind.BAD_OPTION, "the PDF has no signature to extend; sign it instead");
            }
            Path last = input;
            if (!existing.timestamped()) {
                Path stamped = temp(temps);
                byte[] token = DocumentTimestampStep.stamp(last, stamped, password, timestamps);
                existing = existing.withDocumentTimestamp(token);
                last = stamped;
            }
            if (target.atLeast(PadesLevel.B_LT)) {
                RevocationCollector data = new RevocationCollector(revocation).add(timestampSource.chain());
                existing.addTo(data);
                Path withDss = temp(temps);
                DssStep.append(last, withDss, password, data.collect());
                last = withDss;
            }
            if (target == PadesLevel.B_LTA) {
                Path stamped = temp(temps);
                DocumentTimestampStep.stamp(last, stamped, password, timestamps);
                last = stamped;
            }
            Files.copy(last, output, StandardCopyOption.REPLACE_EXISTING);
            return new SignedPdf(sha256, target, existing.lastFieldName());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (Path p : temps) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: the work directory is private to this process
                }
            }
        }
    }

    private Path temp(List<Path> temps) throws IOException {
        Path p = Files.createTempFile(workDir, "signet-pades-", ".pdf");
        temps.add(p);
        return p;
    }

    private static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
