package dev.signet.web.api;

import dev.signet.ca.CaInfo;
import dev.signet.ca.IssuedCertificate;
import dev.signet.ca.AuditEntry;
import dev.signet.ca.ProfileInfo;
import dev.signet.hsm.KeyInfo;
import dev.signet.web.KeyInventory;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the API (documented in openapi.json); times are ISO-8601 strings. */
public final class Views {

    private Views() {}

    public record CaView(String id, String name, String status, String subject, String parentId, String keyAlgorithm,
                         String keyBackend, String notAfter, String certificatePem, String chainPem,
                         String caIssuersUrl, String created) {

        static CaView of(CaInfo ca) {
            return new CaView(ca.id(), ca.name(), ca.status(), ca.subject(), ca.parentId(), ca.keyAlgorithm(),
                    ca.keyBackend(), text(ca.notAfter()), ca.certificatePem(), ca.chainPem(), ca.caIssuersUrl(),
                    text(ca.created()));
        }
    }

    public record CertificateView(String caId, String serial, String subject, List<String> subjectAltNames,
                                  String notBefore, String notAfter, String profile, String keyAlgorithm,
                                  String requester, String status, String revokedAt, String revocationReason,
                                  String certificatePem, String chainPem) {

        static CertificateView of(IssuedCertificate c) {
            return new CertificateView(c.caId(), c.serial(), c.subject(), c.subjectAltNames(), text(c.notBefore()),
                    text(c.notAfter()), c.profile(), c.keyAlgorithm(), c.requester(), c.status(), text(c.revokedAt()),
                    c.revocationReason(), c.certificatePem(), c.chainPem());
        }
    }

    public record ProfileView(String name, String description, boolean ca, long maxValidityDays, KeysView keys,
                              SubjectView subject, SansView subjectAltNames, List<String> keyUsage,
                              List<String> extendedKeyUsage, Integer pathLen, ProfileInfo.NameConstraints nameConstraints,
                              List<ProfileInfo.Policy> certificatePolicies) {

        public record KeysView(int rsaMinBits, List<String> ecCurves, boolean ed25519) {}

        public record SubjectView(List<String> allowed, List<String> required) {}

        public record SansView(boolean required, Map<String, List<String>> allowed) {}

        static ProfileView of(ProfileInfo p) {
            return new ProfileView(p.name(), p.description(), p.ca(), p.maxValidity().toDays(),
                    new KeysView(p.keys().rsaMinBits(), p.keys().ecCurves(), p.keys().ed25519()),
                    new SubjectView(p.subject().allowed(), p.subject().required()),
                    new SansView(p.subjectAltNames().required(), p.subjectAltNames().patterns()),
                    p.keyUsage(), p.extendedKeyUsage(), p.pathLen(), p.nameConstraints(), p.certificatePolicies());
        }
    }

    /**
     * A key's description: {@code purpose} (null for a key from before purposes not yet upgraded) and
     * {@code owner} ({@code ca:ID}, {@code identity:ID}, {@code audit}, or null); {@code publicKeyPem}
     * only when one key is asked for, and never for a secret key.
     */
    public record KeyView(String label, String purpose, String algorithm, String backend, String created, String owner,
                          List<String> allowed, String publicKeyPem) {

        static KeyView of(KeyInventory.Entry e, PublicKey publicKey) {
            KeyInfo k = e.info();
            return new KeyView(k.label(), k.purpose() == null ? null : k.purpose().name(), k.algorithm().name(),
                    k.backend(), text(k.created()), e.owner(),
                    k.policy().allowed().stream().map(Enum::name).sorted().toList(),
                    publicKey == null ? null : "-----BEGIN PUBLIC KEY-----\n"
                            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(publicKey.getEncoded())
                            + "\n-----END PUBLIC KEY-----\n");
        }
    }

    public record AuditEntryView(long seq, String at, String actor, String action, String objectType,
                                 String objectId, String details) {

        static AuditEntryView of(AuditEntry e) {
            return new AuditEntryView(e.seq(), text(e.at()), e.actor(), e.action(), e.objectType(), e.objectId(), e.details());
        }
    }

    public record PageView<T>(List<T> items, int offset, int limit, long total) {}

    static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
