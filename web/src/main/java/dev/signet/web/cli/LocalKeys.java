package dev.signet.web.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The client's own key, made on the client's machine for {@code client csr} and
 * {@code client issue --generate-key}: the one place in the program that holds a private key in
 * memory, because it is the requester's key, not the CA's. It is written only to the requester's
 * files (mode 0600) and never sent; the server sees only the CSR.
 */
final class LocalKeys {

    /** Key types a local key can be, by the contract's algorithm names. */
    static final List<String> ALGORITHMS = List.of("EC_P256", "EC_P384", "RSA_2048", "RSA_3072", "RSA_4096", "ED25519");

    private LocalKeys() {}

    static KeyPair generate(String algorithm) {
        try {
            KeyPairGenerator g;
            switch (algorithm) {
                case "EC_P256", "EC_P384" -> {
                    g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec(algorithm.equals("EC_P256") ? "secp256r1" : "secp384r1"));
                }
                case "RSA_2048", "RSA_3072", "RSA_4096" -> {
                    g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(Integer.parseInt(algorithm.substring(4)));
                }
                case "ED25519" -> g = KeyPairGenerator.getInstance("Ed25519");
                default -> throw new ClientException(ExitCodes.USAGE, "--key-algorithm must be one of " + ALGORITHMS);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make a " + algorithm + " key", e);
        }
    }

    /** A PKCS#10 request for {@code subject} and the SANs, signed by the key (its proof of possession). */
    static String csrPem(KeyPair key, String subject, List<String> dnsNames, List<String> ipAddresses, List<String> emails) {
        X500Name name;
        try {
            name = new X500Name(subject == null ? "" : subject);
        } catch (IllegalArgumentException e) {
            throw new ClientException(ExitCodes.USAGE, "--subject is not a distinguished name: '" + subject + "'");
        }
        List<GeneralName> sans = new ArrayList<>();
        dnsNames.forEach(n -> sans.add(new GeneralName(GeneralName.dNSName, n)));
        ipAddresses.forEach(n -> sans.add(new GeneralName(GeneralName.iPAddress, n)));
        emails.forEach(n -> sans.add(new GeneralName(GeneralName.rfc822Name, n)));
        try {
            JcaPKCS10CertificationRequestBuilder b = new JcaPKCS10CertificationRequestBuilder(name, key.getPublic());
            if (!sans.isEmpty()) {
                ExtensionsGenerator ext = new ExtensionsGenerator();
                ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(new GeneralName[0])));
                b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
            }
            PKCS10CertificationRequest csr = b.build(new JcaContentSignerBuilder(signatureAlgorithm(key)).build(key.getPrivate()));
            return pem("CERTIFICATE REQUEST", csr.getEncoded());
        } catch (IOException | OperatorCreationException | IllegalArgumentException e) {
            throw new ClientException(ExitCodes.USAGE, "cannot build the CSR: " + SignetCommand.message(e));
        }
    }

    /** Writes the private key as unencrypted PKCS#8 PEM, readable by the owner only, refusing to overwrite a file. */
    static void writePrivateKey(KeyPair key, Path file) {
        writePrivate(file, pem("PRIVATE KEY", key.getPrivate().getEncoded()).getBytes(StandardCharsets.US_ASCII));
    }

    /** Writes key, certificate and chain as a PKCS#12 file under {@code password}, readable by the owner only. */
    static void writePkcs12(KeyPair key, String certificatePem, String chainPem, char[] password, Path file) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<Certificate> chain = new ArrayList<>(cf.generateCertificates(
                    new java.io.ByteArrayInputStream((certificatePem + (chainPem == null ? "" : chainPem)).getBytes(StandardCharsets.US_ASCII))));
            KeyStore p12 = KeyStore.getInstance("PKCS12");
            p12.load(null, null);
            p12.setKeyEntry("signet", key.getPrivate(), password, chain.toArray(new Certificate[0]));
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            p12.store(out, password);
            writePrivate(file, out.toByteArray());
        } catch (GeneralSecurityException | IOException e) {
            throw new ClientException(ExitCodes.FAILED, "cannot write the PKCS#12 file: " + SignetCommand.message(e));
        }
    }

    private static void writePrivate(Path file, byte[] content) {
        try {
            Files.createFile(file);
            PrivateFiles.restrict(file, "rw-------");
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(content);
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new ClientException(ExitCodes.FAILED, file + " exists already; a key file is never overwritten");
        } catch (IOException e) {
            throw new ClientException(ExitCodes.FAILED, "cannot write " + file + ": " + SignetCommand.message(e));
        }
    }

    private static String signatureAlgorithm(KeyPair key) {
        return switch (key.getPublic().getAlgorithm()) {
            case "EC" -> key.getPublic().getEncoded().length > 100 ? "SHA384withECDSA" : "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> "Ed25519";
        };
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
