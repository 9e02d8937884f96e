package dev.signet.ca;

import dev.signet.ca.profile.KeyUsageBit;
import dev.signet.ca.profile.NameConstraintRules;
import dev.signet.ca.profile.PolicyRule;
import dev.signet.ca.profile.Profile;
import dev.signet.ca.profile.SanType;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A certificate profile as callers see it (the API, the UI): its rules in plain values, with every
 * list in a fixed order. The profile the CA applies stays inside ca-core.
 *
 * @param keyUsage key usage bits by their profile-file names, in the order of the bits
 * @param extendedKeyUsage the extended key usages' OIDs, in the profile's order
 * @param pathLen the basicConstraints pathLenConstraint of a CA profile, or null for none
 * @param nameConstraints null for none
 */
public record ProfileInfo(String name, String description, boolean ca, Duration maxValidity, Keys keys, Subject subject,
        SubjectAltNames subjectAltNames, List<String> keyUsage, List<String> extendedKeyUsage, Integer pathLen,
        NameConstraints nameConstraints, List<Policy> certificatePolicies) {

    /** The keys a request may have: RSA from {@code rsaMinBits} (0: none), EC on these curves, Ed25519. */
    public record Keys(int rsaMinBits, List<String> ecCurves, boolean ed25519) {}

    /** The subject attributes a request may carry and must carry, by name, sorted. */
    public record Subject(List<String> allowed, List<String> required) {}

    /** Whether a SAN is required, and the patterns each SAN type ({@code dns}, {@code ip}...) must match, by type. */
    public record SubjectAltNames(boolean required, SortedMap<String, List<String>> patterns) {}

    /** Name constraints (RFC 5280 4.2.1.10) a sub-CA certificate carries. */
    public record NameConstraints(List<String> permittedDns, List<String> excludedDns, List<String> permittedIp,
            List<String> excludedIp, List<String> permittedEmail, List<String> excludedEmail) {}

    /** One certificate policy: its OID and, optionally, the URI of its CPS. */
    public record Policy(String oid, String cpsUri) {}

    public ProfileInfo {
        keyUsage = List.copyOf(keyUsage);
        extendedKeyUsage = List.copyOf(extendedKeyUsage);
        certificatePolicies = List.copyOf(certificatePolicies);
    }

    static ProfileInfo of(Profile p) {
        SortedMap<String, List<String>> sans = new TreeMap<>();
        for (Map.Entry<SanType, List<Pattern>> e : p.subjectAltNames().patterns().entrySet()) {
            sans.put(e.getKey().jsonName(), e.getValue().stream().map(Pattern::pattern).toList());
        }
        NameConstraintRules nc = p.nameConstraints();
        return new ProfileInfo(p.name(), p.description(), p.ca(), p.maxValidity(),
                new Keys(p.keys().rsaMinBits(), p.keys().ecCurves().stream().sorted().toList(), p.keys().ed25519()),
                new Subject(p.subject().allowed().stream().sorted().toList(), p.subject().required().stream().sorted().toList()),
                new SubjectAltNames(p.subjectAltNames().required(), Collections.unmodifiableSortedMap(sans)),
                p.keyUsage().stream().sorted().map(KeyUsageBit::jsonName).toList(),
                p.extendedKeyUsage().stream().map(k -> k.toOID().getId()).toList(),
                p.pathLen(),
                nc == null ? null : new NameConstraints(nc.permittedDns(), nc.excludedDns(), nc.permittedIp(), nc.excludedIp(),
                        nc.permittedEmail(), nc.excludedEmail()),
                p.certificatePolicies().stream().map((PolicyRule r) -> new Policy(r.oid(), r.cpsUri())).toList());
    }
}
