package dev.signet.ca.profile;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * A certificate profile: everything about a certificate that the CA, not the requester, decides.
 * Built from a profile file by {@link ProfileParser}, which has validated every field.
 *
 * @param pathLen the basicConstraints pathLenConstraint of a CA profile, or null for none
 * @param nameConstraints null for none (only CA profiles may have them)
 * @param csrExtensionsAllowed whether a CSR may request extensions other than subjectAltName; even
 *     then they are not copied: the profile decides every extension
 * @param issuableByRoot whether a root CA may issue this (end-entity) profile directly; by default
 *     only subordinate CAs do (CA/Browser Forum Baseline Requirements 6.1.7: a root key signs CA
 *     certificates, CRLs and OCSP responder certificates only). For a one-tier private PKI.
 */
public record Profile(
        String name,
        String description,
        String source,
        KeyRules keys,
        Duration maxValidity,
        SubjectRules subject,
        SanRules subjectAltNames,
        Set<KeyUsageBit> keyUsage,
        List<KeyPurposeId> extendedKeyUsage,
        boolean extendedKeyUsageCritical,
        boolean ca,
        Integer pathLen,
        NameConstraintRules nameConstraints,
        List<PolicyRule> certificatePolicies,
        boolean ocspNoCheck,
        boolean csrExtensionsAllowed,
        boolean issuableByRoot) {

    public Profile {
        keyUsage = Set.copyOf(keyUsage);
        extendedKeyUsage = List.copyOf(extendedKeyUsage);
        certificatePolicies = List.copyOf(certificatePolicies);
    }

    /** A profile that root CAs may not issue from directly (see {@code issuableByRoot}). */
    public Profile(String name, String description, String source, KeyRules keys, Duration maxValidity,
            SubjectRules subject, SanRules subjectAltNames, Set<KeyUsageBit> keyUsage, List<KeyPurposeId> extendedKeyUsage,
            boolean extendedKeyUsageCritical, boolean ca, Integer pathLen, NameConstraintRules nameConstraints,
            List<PolicyRule> certificatePolicies, boolean ocspNoCheck, boolean csrExtensionsAllowed) {
        this(name, description, source, keys, maxValidity, subject, subjectAltNames, keyUsage, extendedKeyUsage,
                extendedKeyUsageCritical, ca, pathLen, nameConstraints, certificatePolicies, ocspNoCheck,
                csrExtensionsAllowed, false);
    }
}
