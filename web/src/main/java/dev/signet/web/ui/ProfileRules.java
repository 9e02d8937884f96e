package dev.signet.web.ui;

import dev.signet.ca.ProfileInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/** A profile's rules written out for the person about to request a certificate under it. */
public record ProfileRules(String name, String description, long maxValidityDays, List<String> keys,
                           List<String> subjectAllowed, List<String> subjectRequired, boolean sanRequired,
                           List<String> sanAllowed, List<String> keyUsage, List<String> extendedKeyUsage) {

    /** The extended key usages by OID, named as in profile files. */
    private static final Map<String, String> PURPOSES = Map.of(
            KeyPurposeId.id_kp_serverAuth.getId(), "serverAuth",
            KeyPurposeId.id_kp_clientAuth.getId(), "clientAuth",
            KeyPurposeId.id_kp_codeSigning.getId(), "codeSigning",
            KeyPurposeId.id_kp_emailProtection.getId(), "emailProtection",
            KeyPurposeId.id_kp_timeStamping.getId(), "timeStamping",
            KeyPurposeId.id_kp_OCSPSigning.getId(), "OCSPSigning");

    static ProfileRules of(ProfileInfo p) {
        List<String> keys = new ArrayList<>();
        if (p.keys().rsaMinBits() > 0) {
            keys.add("RSA, at least " + p.keys().rsaMinBits() + " bits");
        }
        if (!p.keys().ecCurves().isEmpty()) {
            keys.add("EC on " + String.join(", ", p.keys().ecCurves()));
        }
        if (p.keys().ed25519()) {
            keys.add("Ed25519");
        }
        List<String> sans = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : p.subjectAltNames().patterns().entrySet()) {
            for (String pattern : e.getValue()) {
                sans.add(e.getKey() + " matching " + pattern);
            }
        }
        return new ProfileRules(p.name(), p.description(), p.maxValidity().toDays(), keys,
                p.subject().allowed(), p.subject().required(), p.subjectAltNames().required(), sans,
                p.keyUsage().stream().sorted().toList(),
                p.extendedKeyUsage().stream().map(oid -> PURPOSES.getOrDefault(oid, oid)).toList());
    }
}
