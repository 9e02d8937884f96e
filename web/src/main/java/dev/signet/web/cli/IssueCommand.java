package dev.signet.web.cli;

import dev.signet.ca.IssuedCertificate;
import dev.signet.web.Services;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "issue", mixinStandardHelpOptions = true,
        description = "Issue a certificate from a CSR file, offline against the data directory (stop the server first). "
                + "Prints the certificate PEM, or writes it to --out.")
final class IssueCommand implements Runnable {

    @Mixin
    StoreOptions store;

    @Option(names = "--ca", required = true, paramLabel = "CA_ID", description = "Issuing CA id (see: ca list).")
    String caId;

    @Option(names = "--profile", required = true, paramLabel = "NAME", description = "Profile, e.g. tls-server.")
    String profile;

    @Option(names = "--csr", required = true, paramLabel = "FILE", description = "PKCS#10 CSR, PEM or DER.")
    Path csr;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the certificate here instead of stdout.")
    Path out;

    @Override
    public void run() {
        byte[] request;
        try {
            request = Files.readAllBytes(csr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csr, e);
        }
        try (Services s = Services.open(store.load(null))) {
            IssuedCertificate c = s.authorities().issue(caId, profile, request, "cli");
            if (out == null) {
                System.out.print(c.certificatePem());
            } else {
                Files.writeString(out, c.certificatePem(), StandardCharsets.US_ASCII);
                System.out.println("serial " + c.serial() + " written to " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
    }
}
