package dev.signet.ca.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonParser;
import dev.signet.ca.ProfileException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * Turns a profile file (JSON) into a {@link Profile}, checking every field and the consistency
 * between fields. Errors are {@link ProfileException}s naming the file and the field.
 */
public final class ProfileParser {

    /** Profile names appear in URLs and requests: keep them plain. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern OID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]*))+");
    /** 100 years: anything longer is a typo, not a policy. */
    private static final int MAX_DAYS = 36_525;

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Parses {@code json}; {@code source} names the file in errors. */
    public Profile parse(String source, String json) {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ProfileException(source, "", "not valid JSON" + where + ": " + e.getOriginalMessage());
        }
        JsonFields f = new JsonFields(source, "", root);

        String name = f.string("name", true);
        if (!NAME.matcher(name).matches()) {
            throw f.error("name", "must be lower-case letters, digits and '-' (at most 63), got '" + name + "'");
        }
        String description = f.string("description", false);
        KeyRules keys = keys(f);
        int days = f.integer("maxValidityDays", true, 1, MAX_DAYS);
        SubjectRules subject = subject(f);
        SanRules sans = sans(f);
        Set<KeyUsageBit> keyUsage = keyUsage(f);

        List<KeyPurposeId> eku = new ArrayList<>();
        boolean ekuCritical = false;
        JsonFields ekuField = f.object("extendedKeyUsage");
        if (ekuField != null) {
            List<String> purposes = ekuField.strings("purposes");
            if (purposes.isEmpty()) {
                throw f.error("extendedKeyUsage.purposes", "must list at least one purpose (or leave out extendedKeyUsage)");
            }
            for (int i = 0; i < purposes.size(); i++) {
                KeyPurposeId p = ExtendedKeyUsages.parse(purposes.get(i));
                if (p == null) {
                    throw f.error("extendedKeyUsage.purposes[" + i + "]", "unknown purpose '" + purposes.get(i)
                            + "'; use serverAuth, clientAuth, codeSigning, emailProtection, timeStamping,"
                            + " OCSPSigning or a dotted OID");
                }
                if (eku.contains(p)) {
                    throw f.error("extendedKeyUsage.purposes[" + i + "]", "repeats '" + purposes.get(i) + "'");
                }
                eku.add(p);
            }
            ekuCritical = ekuField.bool("critical", false);
            ekuField.rejectUnknown();
        }

        boolean ca = false;
        Integer pathLen = null;
        JsonFields bc = f.object("basicConstraints");
        if (bc != null) {
            ca = bc.bool("ca", false);
            pathLen = bc.integer("pathLen", false, 0, 32);
            if (pathLen != null && !ca) {
                throw f.error("basicConstraints.pathLen", "is only allowed when ca is true (RFC 5280 4.2.1.9)");
            }
            bc.rejectUnknown();
        }

        NameConstraintRules nc = nameConstraints(f);
        if (nc != null && !ca) {
            throw f.error("nameConstraints", "are only allowed in CA profiles (RFC 5280 4.2.1.10)");
        }
        List<PolicyRule> policies = policies(f);
        boolean ocspNoCheck = f.bool("ocspNoCheck", false);
        boolean csrExtensionsAllowed = f.bool("csrExtensionsAllowed", false);
        boolean issuableByRoot = f.bool("issuableByRoot", false);
        f.rejectUnknown();
        if (ca && issuableByRoot) {
            throw f.error("issuableByRoot", "is for end-entity profiles; a root always issues subordinate CAs");
        }

        // Consistency between fields: what lint would refuse later is refused here, at load time.
        if (ca && !keyUsage.contains(KeyUsageBit.KEY_CERT_SIGN)) {
            throw f.error("keyUsage", "a CA profile must include keyCertSign (RFC 5280 4.2.1.3)");
        }
        if (!ca && keyUsage.contains(KeyUsageBit.KEY_CERT_SIGN)) {
            throw f.error("keyUsage", "keyCertSign needs basicConstraints.ca true (RFC 5280 4.2.1.9)");
        }
        if (eku.contains(KeyPurposeId.id_kp_timeStamping) && (eku.size() != 1 || !ekuCritical)) {
            throw f.error("extendedKeyUsage", "timeStamping must be the only purpose and critical (RFC 3161 2.3)");
        }
        if (ocspNoCheck && !eku.contains(KeyPurposeId.id_kp_OCSPSigning)) {
            throw f.error("ocspNoCheck", "only makes sense with the OCSPSigning purpose (RFC 6960 4.2.2.2.1)");
        }
        if (ca && sans.required()) {
            throw f.error("subjectAltNames.required", "is not allowed in a CA profile");
        }
        return new Profile(name, description == null ? "" : description, source, keys, Duration.ofDays(days),
                subject, sans, keyUsage, eku, ekuCritical, ca, pathLen, nc, policies, ocspNoCheck,
                csrExtensionsAllowed, issuableByRoot);
    }

    private static KeyRules keys(JsonFields f) {
        JsonFields k = f.object("keys");
        if (k == null) {
            throw f.error("keys", "is required");
        }
        Integer rsa = k.integer("rsaMinBits", false, 0, KeyRules.LARGEST_RSA_BITS);
        int rsaMinBits = rsa == null ? 0 : rsa;
        if (rsaMinBits != 0 && rsaMinBits < 2048) {
            throw k.error("keys.rsaMinBits", "must be 0 (no RSA) or at least 2048, got " + rsaMinBits);
        }
        Integer rsaMax = k.integer("rsaMaxBits", false, 2048, KeyRules.LARGEST_RSA_BITS);
        int rsaMaxBits = rsaMax == null ? Math.max(KeyRules.DEFAULT_RSA_MAX_BITS, rsaMinBits) : rsaMax;
        if (rsaMinBits != 0 && rsaMaxBits < rsaMinBits) {
            throw k.error("keys.rsaMaxBits", "must be at least rsaMinBits (" + rsaMinBits + "), got " + rsaMaxBits);
        }
        List<String> curves = k.strings("ecCurves");
        Set<String> curveSet = new LinkedHashSet<>();
        for (int i = 0; i < curves.size(); i++) {
            if (!KeyRules.KNOWN_CURVES.contains(curves.get(i))) {
                throw k.error("keys.ecCurves[" + i + "]", "unknown curve '" + curves.get(i) + "'; use P-256, P-384 or P-521");
            }
            curveSet.add(curves.get(i));
        }
        boolean ed25519 = k.bool("ed25519", false);
        k.rejectUnknown();
        if (rsaMinBits == 0 && curveSet.isEmpty() && !ed25519) {
            throw k.error("keys", "allows no key at all: set rsaMinBits, ecCurves or ed25519");
        }
        return new KeyRules(rsaMinBits, rsaMaxBits, curveSet, ed25519);
    }

    private static SubjectRules subject(JsonFields f) {
        JsonFields s = f.object("subject");
        if (s == null) {
            throw f.error("subject", "is required");
        }
        Set<String> allowed = attributeNames(s, "allowed");
        Set<String> required = attributeNames(s, "required");
        for (String r : required) {
            if (!allowed.contains(r)) {
                throw s.error("subject.required", "'" + r + "' is required but not in subject.allowed");
            }
        }
        s.rejectUnknown();
        return new SubjectRules(allowed, required);
    }

    private static Set<String> attributeNames(JsonFields s, String field) {
        List<String> names = s.strings(field);
        Set<String> out = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            if (SubjectAttributes.oid(names.get(i)) == null) {
                throw s.error("subject." + field + "[" + i + "]", "unknown attribute '" + names.get(i) + "'");
            }
            out.add(names.get(i));
        }
        return out;
    }

    private static SanRules sans(JsonFields f) {
        JsonFields s = f.object("subjectAltNames");
        if (s == null) {
            return new SanRules(false, Map.of());
        }
        boolean required = s.bool("required", false);
        Map<SanType, List<Pattern>> patterns = new EnumMap<>(SanType.class);
        for (SanType t : SanType.values()) {
            if (!s.has(t.jsonName())) {
                s.strings(t.jsonName()); // marks an explicit null as read
                continue;
            }
            List<String> regexes = s.strings(t.jsonName());
            if (regexes.isEmpty()) {
                throw s.error("subjectAltNames." + t.jsonName(), "must list at least one pattern (leave it out to forbid the type)");
            }
            List<Pattern> compiled = new ArrayList<>();
            for (int i = 0; i < regexes.size(); i++) {
                try {
                    // DNS names are case-insensitive (RFC 4343): a pattern matches them regardless of case.
                    compiled.add(t == SanType.DNS
                            ? Pattern.compile(regexes.get(i), Pattern.CASE_INSENSITIVE)
                            : Pattern.compile(regexes.get(i)));
                } catch (PatternSyntaxException e) {
                    throw s.error("subjectAltNames." + t.jsonName() + "[" + i + "]",
                            "not a valid regular expression: " + e.getDescription());
                }
            }
            patterns.put(t, compiled);
        }
        s.rejectUnknown();
        if (required && patterns.isEmpty()) {
            throw s.error("subjectAltNames.required", "is true but no SAN type is allowed");
        }
        return new SanRules(required, patterns);
    }

    private static Set<KeyUsageBit> keyUsage(JsonFields f) {
        List<String> names = f.strings("keyUsage");
        if (names.isEmpty()) {
            throw f.error("keyUsage", "must list at least one bit (RFC 5280 4.2.1.3)");
        }
        Set<KeyUsageBit> bits = EnumSet.noneOf(KeyUsageBit.class);
        for (int i = 0; i < names.size(); i++) {
            KeyUsageBit b = KeyUsageBit.parse(names.get(i));
            if (b == null) {
                throw f.error("keyUsage[" + i + "]", "unknown key usage '" + names.get(i) + "'");
            }
            bits.add(b);
        }
        return bits;
    }

    private static NameConstraintRules nameConstraints(JsonFields f) {
        JsonFields n = f.object("nameConstraints");
        if (n == null) {
            return null;
        }
        List<String> pDns = dnsNames(n, "permittedDns");
        List<String> eDns = dnsNames(n, "excludedDns");
        List<String> pIp = cidrs(n, "permittedIp");
        List<String> eIp = cidrs(n, "excludedIp");
        List<String> pMail = n.strings("permittedEmail");
        List<String> eMail = n.strings("excludedEmail");
        n.rejectUnknown();
        NameConstraintRules rules = new NameConstraintRules(pDns, eDns, pIp, eIp, pMail, eMail);
        if (rules.isEmpty()) {
            throw n.error("nameConstraints", "is empty: RFC 5280 4.2.1.10 forbids an empty name constraints extension");
        }
        return rules;
    }

    private static List<String> dnsNames(JsonFields n, String field) {
        List<String> names = n.strings(field);
        for (int i = 0; i < names.size(); i++) {
            if (!names.get(i).matches("\\.?([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)*[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")) {
                throw n.error("nameConstraints." + field + "[" + i + "]", "not a DNS name: '" + names.get(i) + "'");
            }
        }
        return names;
    }

    private static List<String> cidrs(JsonFields n, String field) {
        List<String> blocks = n.strings(field);
        for (int i = 0; i < blocks.size(); i++) {
            if (Cidr.parse(blocks.get(i)) == null) {
                throw n.error("nameConstraints." + field + "[" + i + "]",
                        "not an address block like 10.0.0.0/8 or fd00::/8: '" + blocks.get(i) + "'");
            }
        }
        return blocks;
    }

    private static List<PolicyRule> policies(JsonFields f) {
        List<PolicyRule> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonFields p : f.objects("certificatePolicies")) {
            String oid = p.string("oid", true);
            if (!OID.matcher(oid).matches()) {
                throw p.error(p.pathOf("oid"), "not a dotted OID: '" + oid + "'");
            }
            if (!seen.add(oid)) {
                throw p.error(p.pathOf("oid"), "policy " + oid + " appears twice (RFC 5280 4.2.1.4)");
            }
            String cps = p.string("cpsUri", false);
            if (cps != null) {
                try {
                    URI u = new URI(cps);
                    if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                        throw p.error(p.pathOf("cpsUri"), "must be an http or https URI");
                    }
                } catch (URISyntaxException e) {
                    throw p.error(p.pathOf("cpsUri"), "not a URI: " + e.getReason());
                }
            }
            p.rejectUnknown();
            out.add(new PolicyRule(oid, cps));
        }
        return out;
    }
}
