package dev.signet.web.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Reads one PEM public key ({@code BEGIN PUBLIC KEY}) from a file, for keys an operator pins. */
final class PublicKeyPem {

    private PublicKeyPem() {}

    static PublicKey read(Path file) {
        // Latin-1 decodes any byte, so a binary file reads as "no PEM" rather than as a charset error.
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1); PEMParser pem = new PEMParser(r)) {
            Object o = pem.readObject();
            if (!(o instanceof SubjectPublicKeyInfo info)) {
                throw new IllegalArgumentException(file + " holds no PEM public key (-----BEGIN PUBLIC KEY-----)");
            }
            return new JcaPEMKeyConverter().getPublicKey(info);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
