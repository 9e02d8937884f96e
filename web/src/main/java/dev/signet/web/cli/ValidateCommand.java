package dev.signet.web.cli;

import dev.signet.signing.PdfSignatureValidator;
import dev.signet.signing.SignatureReport;
import dev.signet.signing.ValidationPolicy;
import dev.signet.signing.ValidationReport;
import dev.signet.web.http.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code signet validate FILE --trust-anchor root.pem}: validates a local PDF's signatures with no
 * server and no network. Revocation status comes only from the data in the file: with no server
 * there is no Signet responder to ask, so a certificate the file carries none for is reported with
 * origin {@code none} (and the default policy, which requires revocation data, says INDETERMINATE). Exit 0 when every signature and timestamp is TOTAL_PASSED, 3 when any is
 * not (or the file cannot be validated), 1 on bad input such as an unreadable trust anchor.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Validate the signatures of a local PDF against given trust anchors (offline, no server).")
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The PDF to validate.")
    Path file;

    @Option(names = "--trust-anchor", paramLabel = "PEM", description = "Trust anchor certificate(s), PEM or DER (repeatable).")
    List<Path> anchors = new ArrayList<>();

    @Option(names = "--policy", paramLabel = "FILE", description = "Validation policy (YAML, see signing/VALIDATION-POLICY.md).")
    Path policyFile;

    @Option(names = "--at", paramLabel = "INSTANT", description = "Validate as of this time (ISO-8601) instead of now.")
    String at;

    @Option(names = "--json", description = "Print the JSON report (as POST /api/v1/validate/pdf returns it).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no such file: " + file);
        ValidationPolicy policy = policyFile == null ? ValidationPolicy.defaults() : ValidationPolicy.load(policyFile);
        List<X509Certificate> extra = new ArrayList<>();
        for (Path a : anchors) extra.addAll(ValidationPolicy.readCertificates(Files.readAllBytes(a)));
        if (at != null) policy = policy.withValidationTime(Instant.parse(at));
        ValidationReport report;
        try (PdfSignatureValidator v = new PdfSignatureValidator(policy)) {
            report = v.validate(file, extra);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        } else {
            print(out, report);
        }
        out.flush();
        boolean allPassed = report.validatable() && !report.signatures().isEmpty()
                && report.signatures().stream().allMatch(s -> s.indication() == dev.signet.signing.Indication.TOTAL_PASSED);
        return allPassed ? 0 : 3;
    }

    static void print(PrintWriter out, ValidationReport r) {
        if (!r.validatable()) {
            out.println(r.problem());
            return;
        }
        if (r.signatures().isEmpty()) out.println("no signatures");
        for (SignatureReport s : r.signatures()) {
            out.printf("%s %s: %s%s%s%n", s.kind(), s.fieldName(), s.indication(),
                    s.subIndication() == null ? "" : " / " + s.subIndication(), s.level() == null ? "" : " (" + s.level() + ")");
            out.printf("  signed by: %s%n", s.signedBy());
            out.printf("  covers the whole document: %s; changes after signing: %s%n", s.coversWholeDocument() ? "yes" : "no",
                    s.changesAfterSigning());
            for (String reason : s.reasons()) out.println("  - " + reason);
            for (String change : s.changes()) out.println("  change: " + change);
            if (!s.chain().isEmpty()) out.println("  chain: " + String.join(" <- ", s.chain()));
            for (SignatureReport.RevocationCheck c : s.revocation()) {
                out.printf("  revocation%s: %s: %s (%s)%s%n", c.role().startsWith("tsa") ? " (TSA chain)" : "", c.certificate(), c.status(),
                        "none".equals(c.origin()) ? "no revocation data in the file" : c.origin() + " " + c.kind(),
                        c.revokedAt() == null ? "" : ", revoked " + c.revokedAt());
            }
            for (SignatureReport.TimelineEvent e : s.timeline()) out.println("  " + e.time() + "  " + e.event());
        }
    }
}
