package dev.signet.signing;

import dev.signet.signing.validation.PdfValidation;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Validates the signatures and document timestamps of PDF files against a {@link ValidationPolicy}.
 * Never throws for a bad file: a file that cannot be read, is hostile, or takes longer than the
 * policy's timeout gets a report that says it cannot be validated. Makes no network connection:
 * revocation data comes from the file, and, where the file has none, from a {@link RevocationSource}
 * the caller gives (the server passes Signet's own responder and CRLs for its CAs, in-process).
 * Thread-safe; each validation runs on a worker thread of its own so that it can be bounded in time
 * (and a stack overflow in a nested file ends that thread's work, not the caller).
 */
public final class PdfSignatureValidator implements AutoCloseable {
    private final ValidationPolicy policy;
    private final ExecutorService workers;

    public PdfSignatureValidator(ValidationPolicy policy) {
        this.policy = policy;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            // a large stack: PDFBox parses nested objects recursively
            Thread t = new Thread(null, r, "pdf-validation-" + n.incrementAndGet(), 16L * 1024 * 1024);
            t.setDaemon(true);
            return t;
        };
        this.workers = Executors.newCachedThreadPool(threads);
    }

    public ValidationPolicy policy() {
        return policy;
    }

    /** Validates against the policy's trust anchors. */
    public ValidationReport validate(Path pdf) {
        return validate(pdf, List.of());
    }

    /** Validates against the policy's trust anchors plus {@code extraAnchors} (Signet's CAs, a request's own). */
    public ValidationReport validate(Path pdf, List<X509Certificate> extraAnchors) {
        return validate(pdf, extraAnchors, RevocationSource.none());
    }

    /**
     * Validates against the policy's trust anchors plus {@code extraAnchors}; for a certificate the
     * file carries no revocation data for, asks {@code current} (its answer is reported with origin
     * {@code signet}). {@code current} must answer from what it holds, without a network call.
     */
    public ValidationReport validate(Path pdf, List<X509Certificate> extraAnchors, RevocationSource current) {
        ValidationPolicy p = extraAnchors.isEmpty() ? policy : policy.withTrustAnchors(extraAnchors);
        String at = (p.validationTime() == null ? Instant.now() : p.validationTime()).toString();
        Future<ValidationReport> job = workers.submit(() -> new PdfValidation(pdf, p, current).run());
        try {
            return job.get(p.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            job.cancel(true);
            return ValidationReport.cannotBeValidated("validation took longer than " + p.timeout().toSeconds() + " s", at, p.name());
        } catch (InterruptedException e) {
            job.cancel(true);
            Thread.currentThread().interrupt();
            return ValidationReport.cannotBeValidated("interrupted", at, p.name());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String what = cause instanceof StackOverflowError ? "objects nested too deeply"
                    : cause instanceof OutOfMemoryError ? "the file needs more memory than is allowed"
                    : "malformed PDF (" + cause.getClass().getSimpleName() + ")";
            return ValidationReport.cannotBeValidated(what, at, p.name());
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
