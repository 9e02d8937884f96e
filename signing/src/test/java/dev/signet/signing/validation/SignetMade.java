package dev.signet.signing.validation;

import dev.signet.ca.CaException;
import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.NewCa;
import dev.signet.ca.RevocationSettings;
import dev.signet.ca.Revocations;
import dev.signet.ca.SignerIdentity;
import dev.signet.ca.TimeStamp;
import dev.signet.ca.TimeStampAuthorities;
import dev.signet.ca.TimeStampSource;
import dev.signet.ca.TsaSettings;
import dev.signet.ca.Profiles;
import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.CertificateStore;
import dev.signet.ca.store.Database;
import dev.signet.ca.store.RevocationStore;
import dev.signet.ca.store.TsaStore;
import dev.signet.hsm.Hsm;
import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.Hsms;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.SecretSource;
import dev.signet.signing.PdfSigner;
import dev.signet.signing.RevocationSource;
import dev.signet.signing.SigningIdentity;
import dev.signet.signing.TimestampSource;
import dev.signet.signing.ValidationPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Signet itself, as the server wires it, for the agreement corpus: a root and an issuing CA made by
 * ca-core (keys in a software HSM, certificates and CRLs through its issuing path), ca-core's OCSP
 * responder (delegated responder key) and CRLs, ca-core's built-in TSA, signer identities whose key
 * stays in the HSM, and the signing module's {@link PdfSigner} with them. The adapters to the signing
 * module's interfaces do what web's {@code DocumentTimestamps} and {@code SignetRevocationData} do.
 */
final class SignetMade implements AutoCloseable {
    final Hsm hsm;
    final Database db;
    final CertificateAuthorities authorities;
    final Revocations revocations;
    final TimeStampAuthorities tsas;
    final CaInfo root;
    final CaInfo issuing;
    final X509Certificate rootCertificate;
    final PdfSigner signer;
    /** The same, but its B-LT validation data holds Signet's OCSP responses only (no CRL), so that OCSP alone decides. */
    final PdfSigner ocspOnlySigner;

    SignetMade(Path dir) throws Exception {
        hsm = Hsms.open(new HsmConfig.Software(dir.resolve("hsm"),
                new SecretSource.Env("P", Map.of("P", "test passphrase for the Signet-made corpus"))));
        db = Database.open(dir.resolve("signet.db"));
        authorities = new CertificateAuthorities(hsm.signingKeys(KeyPurpose.CA), hsm.signingKeys(KeyPurpose.DOCUMENT),
                new CaStore(db), new CertificateStore(db), Profiles.builtIn(), Clock.systemUTC());
        // the URLs go into the certificates (AIA, CRL DP, OCSP) as DSS expects; nothing listens there
        String base = "http://127.0.0.1:9";
        root = authorities.createRoot(new NewCa("Corpus Root", "CN=Signet Corpus Root,O=Signet", KeyAlgorithm.EC_P256,
                Duration.ofDays(3650), 1, base), "corpus");
        issuing = authorities.createSubordinate(root.id(), new NewCa("Corpus Issuing", "CN=Signet Corpus Issuing,O=Signet",
                KeyAlgorithm.EC_P256, null, null, base), null, "corpus");
        revocations = new Revocations(authorities, new CaStore(db), new RevocationStore(db), hsm.signingKeys(KeyPurpose.CA),
                hsm.signingKeys(KeyPurpose.OCSP), RevocationSettings.defaults(), Clock.systemUTC());
        revocations.start();
        revocations.publishCrlsNow(root.id());
        revocations.publishCrlsNow(issuing.id());
        TsaSettings tsa = new TsaSettings(TsaSettings.DEFAULT, "2.25.258096212928454086049573375516833230841", Duration.ofMillis(500),
                false, KeyAlgorithm.EC_P256, "CN=Signet Corpus TSA,O=Signet", null, false);
        tsas = new TimeStampAuthorities(hsm.signingKeys(KeyPurpose.TIMESTAMPING), hsm.backendName(), authorities,
                new TsaStore(db), List.of(tsa), Clock.systemUTC());
        tsas.createMissing(issuing.id(), "corpus");
        rootCertificate = pem(root.certificatePem()).get(0);
        Timestamps timestamps = new Timestamps(tsas.builtIn(TsaSettings.DEFAULT, "corpus"));
        Path work = Files.createDirectories(dir.resolve("work"));
        signer = new PdfSigner(timestamps, new OwnRevocation(), work, Clock.systemUTC());
        OwnRevocation own = new OwnRevocation();
        ocspOnlySigner = new PdfSigner(timestamps, new RevocationSource() {
            @Override
            public Optional<byte[]> ocspResponse(X509Certificate certificate, X509Certificate issuer) {
                return own.ocspResponse(certificate, issuer);
            }

            @Override
            public List<byte[]> crls(X509Certificate certificate, X509Certificate issuer) {
                return List.of();
            }
        }, work, Clock.systemUTC());
    }

    /** A signer identity of the issuing CA: its key generated in the HSM, its certificate from the document-signer profile. */
    Identity identity(String cn) {
        SignerIdentity id = authorities.createSignerIdentity(issuing.id(), "document-signer", "CN=" + cn + ",O=Signet Corpus",
                KeyAlgorithm.EC_P256, "corpus");
        List<X509Certificate> chain = new ArrayList<>(pem(id.certificate().certificatePem()));
        for (X509Certificate c : pem(id.certificate().chainPem())) if (!chain.contains(c)) chain.add(c);
        return new Identity(new SigningIdentity(id.id(), id.signer(), chain), id.certificate().serial());
    }

    record Identity(SigningIdentity signing, String serial) {}

    void revoke(Identity who) {
        revocations.revoke(issuing.id(), who.serial(), "keyCompromise", null, "corpus", false);
    }

    static List<X509Certificate> pem(String pem) {
        return pem == null || pem.isBlank() ? List.of() : ValidationPolicy.readCertificates(pem.getBytes(StandardCharsets.US_ASCII));
    }

    /** ca-core's built-in TSA as the signing module's time-stamp source (web's DocumentTimestamps). */
    static final class Timestamps implements TimestampSource {
        private final TimeStampSource source;
        private volatile List<X509Certificate> chain = List.of();

        Timestamps(TimeStampSource source) {
            this.source = source;
        }

        @Override
        public byte[] timestamp(String digestAlgorithm, byte[] digest) {
            TimeStamp stamp = source.timestamp(digestAlgorithm, digest);
            List<X509Certificate> certs = new ArrayList<>();
            for (byte[] der : stamp.chain()) certs.addAll(ValidationPolicy.readCertificates(der));
            chain = List.copyOf(certs);
            return stamp.token();
        }

        @Override
        public List<X509Certificate> chain() {
            return chain;
        }
    }

    /** ca-core's OCSP responses and current CRLs for the certificates of Signet's CAs (web's SignetRevocationData). */
    final class OwnRevocation implements RevocationSource {
        @Override
        public Optional<byte[]> ocspResponse(X509Certificate certificate, X509Certificate issuer) {
            return caOf(issuer).flatMap(caId -> {
                try {
                    return Optional.of(revocations.ocspResponse(caId, certificate.getSerialNumber().toString(16)));
                } catch (CaException e) {
                    return Optional.empty();
                }
            });
        }

        @Override
        public List<byte[]> crls(X509Certificate certificate, X509Certificate issuer) {
            return caOf(issuer).map(caId -> {
                try {
                    return List.of(revocations.currentCrl(caId));
                } catch (CaException e) {
                    return List.<byte[]>of();
                }
            }).orElse(List.of());
        }

        private Optional<String> caOf(X509Certificate issuer) {
            for (CaInfo ca : authorities.list()) {
                if (ca.certificatePem() != null && pem(ca.certificatePem()).get(0).equals(issuer)) return Optional.of(ca.id());
            }
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        revocations.close();
        db.close();
        hsm.close();
    }
}
