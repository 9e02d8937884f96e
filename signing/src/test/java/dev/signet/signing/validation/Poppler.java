package dev.signet.signing.validation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * poppler's pdfsig as "another product" that signs (RSA key in an NSS database made with certutil and
 * pk12util; openssl packs the PKCS#12). Tools come from poppler-utils, libnss3-tools and openssl.
 */
final class Poppler {
    private final Path nss;

    Poppler(Path work, TestPki.Issued signer, TestPki pki) throws Exception {
        Path dir = work.resolve("nss");
        if (Files.exists(dir)) {
            try (var old = Files.walk(dir)) {
                old.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        this.nss = Files.createDirectories(dir);
        Path key = work.resolve("key.pem");
        Path cert = work.resolve("cert.pem");
        Path root = work.resolve("root.pem");
        Files.writeString(key, pem("PRIVATE KEY", signer.key().getEncoded()));
        Files.writeString(cert, pem("CERTIFICATE", signer.certificate().getEncoded()));
        Files.writeString(root, pem("CERTIFICATE", pki.root.certificate().getEncoded()));
        Path p12 = work.resolve("signer.p12");
        run("openssl", "pkcs12", "-export", "-inkey", key.toString(), "-in", cert.toString(), "-name", "signer",
                "-passout", "pass:test", "-out", p12.toString());
        run("certutil", "-N", "-d", "sql:" + nss, "--empty-password");
        run("certutil", "-A", "-d", "sql:" + nss, "-n", "root", "-t", "CT,C,C", "-i", root.toString());
        run("pk12util", "-i", p12.toString(), "-d", "sql:" + nss, "-W", "test");
    }

    /** Signs with pdfsig; {@code etsi} selects ETSI.CAdES.detached instead of adbe.pkcs7.detached. */
    void sign(Path in, Path out, boolean etsi, String field) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("pdfsig", "-add-signature", "-nssdir", "sql:" + nss, "-nick", "signer",
                "-new-signature-field-name", field));
        if (etsi) cmd.add("-etsi");
        cmd.add(in.toString());
        cmd.add(out.toString());
        run(cmd.toArray(new String[0]));
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        // stdin from /dev/null: certutil and pk12util prompt forever when they want a password
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readNBytes(1 << 20), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " timed out");
        }
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
        return out;
    }
}
