package dev.signet.web.ui;

import dev.signet.ca.profile.KeyUsageBit;
import dev.signet.ca.profile.Profile;
import dev.signet.ca.profile.SanType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/** A profile's rules written out for the person about to request a certificate under it. */
public record ProfileRules(String name, String description, long maxValidityDays, List<String> keys,
                           List<String> subjectAllowed, List<String> subjectRequired, boolean sanRequired,
                           List<String> sanAllowed, List<String> keyUsage, List<String> extendedKeyUsage) {

    private static final Map<KeyPurposeId, String> PURPOSES = Map.of(
            KeyPurposeId.id_kp_serverAuth, "serverAuth",
            KeyPurposeId.id_kp_clientAuth, "clientAuth",
            KeyPurposeId.id_kp_codeSigning, "codeSigning",
            KeyPurposeId.id_kp_emailProtection, "emailProtection",
            KeyPurposeId.id_kp_timeStamping, "timeStamping",
            KeyPurposeId.id_kp_OCSPSigning, "OCSPSigning");

    static ProfileRules of(Profile p) {
        List<String> keys = new ArrayList<>();
        if (p.keys().rsaMinBits() > 0) {
            keys.add("RSA, at least " + p.keys().rsaMinBits() + " bits");
        }
        if (!p.keys().ecCurves().isEmpty()) {
            keys.add("EC on " + String.join(", ", p.keys().ecCurves().stream().sorted().toList()));
        }
        if (p.keys().ed25519()) {
            keys.add("Ed25519");
        }
        List<String> sans = new ArrayList<>();
        for (Map.Entry<SanType, List<Pattern>> e : p.subjectAltNames().patterns().entrySet()) {
            for (Pattern pattern : e.getValue()) {
                sans.add(e.getKey().jsonName() + " matching " + pattern.pattern());
            }
        }
        return new ProfileRules(p.name(), p.description(), p.maxValidity().toDays(), keys,
                p.subject().allowed().stream().sorted().toList(), p.subject().required().stream().sorted().toList(),
                p.subjectAltNames().required(), sans,
                p.keyUsage().stream().map(KeyUsageBit::jsonName).sorted().toList(),
                p.extendedKeyUsage().stream().map(k -> PURPOSES.getOrDefault(k, k.getId())).toList());
    }
}
