package dev.signet.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * What a validation accepts: trust anchors, algorithms and key sizes, whether revocation data
 * must be present, and the time "as of" which to validate. The file format is YAML, documented in
 * {@code signing/VALIDATION-POLICY.md}; {@link #defaults()} is the policy with no file.
 *
 * @param validationTime null means "now", read when each validation starts
 */
public record ValidationPolicy(
        String name,
        List<X509Certificate> trustAnchors,
        Set<String> acceptedDigests,
        int minRsaBits,
        int minEcBits,
        boolean ed25519Accepted,
        boolean revocationRequired,
        Instant validationTime,
        Duration timeout) {

    /** Digests accepted by default: SHA-2 and SHA-3 of 256 bits and more (SHA-1 and SHA-224 are not). */
    public static final Set<String> DEFAULT_DIGESTS =
            Set.of("SHA-256", "SHA-384", "SHA-512", "SHA3-256", "SHA3-384", "SHA3-512");

    private static final Set<String> KNOWN_KEYS = Set.of(
            "trustAnchors", "digests", "minRsaBits", "minEcBits", "ed25519", "revocationRequired",
            "validationTime", "timeoutSeconds", "name");

    public ValidationPolicy {
        trustAnchors = List.copyOf(trustAnchors);
        acceptedDigests = Set.copyOf(acceptedDigests);
        if (timeout.isNegative() || timeout.isZero()) throw new ValidationException("timeoutSeconds must be positive");
    }

    /**
     * No trust anchors of its own (the caller adds Signet's CAs or the request's), SHA-256 and up,
     * RSA >= 2048 bits, EC >= 256 bits, Ed25519 accepted, revocation data required (as EU DSS's
     * default policy does), validated as of now, 30 s at most per file.
     */
    public static ValidationPolicy defaults() {
        return new ValidationPolicy("default", List.of(), DEFAULT_DIGESTS, 2048, 256, true, true, null,
                Duration.ofSeconds(30));
    }

    public ValidationPolicy withTrustAnchors(List<X509Certificate> more) {
        List<X509Certificate> all = new ArrayList<>(trustAnchors);
        all.addAll(more);
        return new ValidationPolicy(name, all, acceptedDigests, minRsaBits, minEcBits, ed25519Accepted,
                revocationRequired, validationTime, timeout);
    }

    public ValidationPolicy withValidationTime(Instant time) {
        return new ValidationPolicy(name, trustAnchors, acceptedDigests, minRsaBits, minEcBits, ed25519Accepted,
                revocationRequired, time, timeout);
    }

    public ValidationPolicy withRevocationRequired(boolean required) {
        return new ValidationPolicy(name, trustAnchors, acceptedDigests, minRsaBits, minEcBits, ed25519Accepted,
                required, validationTime, timeout);
    }

    /** Reads a policy file; settings it leaves out keep their default. Trust anchor paths are relative to the file. */
    public static ValidationPolicy load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new ValidationException("validation policy " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new ValidationException("validation policy " + file + ": not a YAML mapping");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KNOWN_KEYS.contains(key)) throw new ValidationException("validation policy " + file + ": unknown setting '" + key + "'");
        }
        ValidationPolicy d = defaults();
        List<X509Certificate> anchors = new ArrayList<>();
        for (JsonNode n : root.path("trustAnchors")) {
            Path p = file.toAbsolutePath().getParent().resolve(n.asText());
            try {
                anchors.addAll(readCertificates(Files.readAllBytes(p)));
            } catch (IOException e) {
                throw new ValidationException("validation policy " + file + ": trust anchor " + p + ": " + e.getMessage(), e);
            }
        }
        Set<String> digests = d.acceptedDigests();
        if (root.has("digests")) {
            List<String> list = new ArrayList<>();
            root.get("digests").forEach(n -> list.add(n.asText().toUpperCase()));
            digests = Set.copyOf(list);
        }
        Instant time = null;
        if (root.hasNonNull("validationTime")) {
            try {
                time = Instant.parse(root.get("validationTime").asText());
            } catch (DateTimeParseException e) {
                throw new ValidationException("validation policy " + file + ": validationTime is not an ISO-8601 instant");
            }
        }
        return new ValidationPolicy(
                root.path("name").asText(file.getFileName().toString()),
                anchors,
                digests,
                root.path("minRsaBits").asInt(d.minRsaBits()),
                root.path("minEcBits").asInt(d.minEcBits()),
                root.path("ed25519").asBoolean(d.ed25519Accepted()),
                root.path("revocationRequired").asBoolean(d.revocationRequired()),
                time,
                Duration.ofSeconds(root.path("timeoutSeconds").asLong(d.timeout().toSeconds())));
    }

    /** Every certificate in PEM or DER bytes (a PEM file may hold several). */
    public static List<X509Certificate> readCertificates(byte[] pemOrDer) {
        try (InputStream in = new ByteArrayInputStream(pemOrDer)) {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) out.add((X509Certificate) c);
            if (out.isEmpty()) throw new ValidationException("no certificate found");
            return out;
        } catch (CertificateException | IOException e) {
            throw new ValidationException("not a certificate: " + e.getMessage(), e);
        }
    }
}
