package dev.signet.signing.validation;

import dev.signet.signing.Indication;
import dev.signet.signing.RevocationSource;
import dev.signet.signing.SignatureReport;
import dev.signet.signing.SignatureReport.RevocationCheck;
import dev.signet.signing.SignatureReport.TimelineEvent;
import dev.signet.signing.SubIndication;
import dev.signet.signing.ValidationPolicy;
import dev.signet.signing.ValidationReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.pdmodel.PDDocument;

/**
 * Validates every signature and document timestamp of one PDF file, ETSI EN 319 102-1 style:
 * integrity (ByteRange, digest), the CMS signature, the chain to a trust anchor, revocation at the
 * best-signature time from data in the file (or, where the file has none for a certificate, from the
 * caller's in-process {@link RevocationSource}), timestamps, changes after signing and the PAdES level.
 * One instance per file, used once, on one thread.
 */
public final class PdfValidation {
    static final String SIGNATURE = "signature";
    static final String TIMESTAMP = "timestamp";
    private static final int MAX_CONTENTS = 1024 * 1024;
    private static final int MAX_SIGNATURES = 200;

    private final Path file;
    private final ValidationPolicy policy;
    private final Date validationTime;
    private final Map<Long, PDDocument> revisions = new HashMap<>();
    private final Map<SignatureEntry, TimestampResult> docTimestamps = new HashMap<>();

    private PdfBytes bytes;
    private PDDocument last;
    private List<SignatureEntry> entries;
    private CertificatePool pool;
    private final Revocation revocation = new Revocation();
    /** Current status asked of {@link #currentSource}, kept apart from the file's data (it never makes a level). */
    private final Revocation current = new Revocation();
    private final RevocationSource currentSource;

    /** A validated timestamp: its time is a proof of existence only when {@code valid}. */
    record TimestampResult(Date genTime, boolean valid, X509Certificate tsa, String problem) {}

    public PdfValidation(Path file, ValidationPolicy policy) {
        this(file, policy, RevocationSource.none());
    }

    /** @param currentSource asked, in-process, for certificates the file carries no revocation data for */
    public PdfValidation(Path file, ValidationPolicy policy, RevocationSource currentSource) {
        this.file = file;
        this.policy = policy;
        this.currentSource = currentSource;
        this.validationTime = Date.from(policy.validationTime() == null ? Instant.now() : policy.validationTime());
    }

    public ValidationReport run() {
        String at = validationTime.toInstant().toString();
        try (PdfBytes b = new PdfBytes(file)) {
            this.bytes = b;
            try {
                last = Loader.loadPDF(new RandomAccessReadBufferedFile(file.toFile()));
            } catch (IOException e) {
                return ValidationReport.cannotBeValidated("not a readable PDF (" + e.getMessage() + ")", at, policy.name());
            }
            entries = PdfStructure.signatures(last);
            if (entries.size() > MAX_SIGNATURES) {
                return ValidationReport.cannotBeValidated("more than " + MAX_SIGNATURES + " signatures", at, policy.name());
            }
            entries.sort(Comparator.comparingLong(SignatureEntry::revisionEnd));
            collectCertificatesAndRevocation();
            List<SignatureReport> reports = new ArrayList<>();
            // document timestamps first, the latest first: each is a proof of existence for what comes before it
            // (the signatures, and the earlier document timestamps whose TSA certificate was revoked or expired since)
            List<SignatureEntry> latestFirst = new ArrayList<>(entries);
            Collections.reverse(latestFirst);
            for (SignatureEntry e : latestFirst) if (e.documentTimestamp()) reports.add(validateDocumentTimestamp(e));
            for (SignatureEntry e : entries) if (!e.documentTimestamp()) reports.add(validateSignature(e));
            List<SignatureReport> ordered = new ArrayList<>();
            for (SignatureEntry e : entries) {
                for (SignatureReport r : reports) if (r.fieldName().equals(e.fieldName()) && !ordered.contains(r)) { ordered.add(r); break; }
            }
            return new ValidationReport(true, null, at, policy.name(), ordered);
        } catch (CosComparison.TooComplex e) {
            return ValidationReport.cannotBeValidated(e.getMessage(), at, policy.name());
        } catch (IOException e) {
            return ValidationReport.cannotBeValidated("malformed PDF (" + e.getMessage() + ")", at, policy.name());
        } finally {
            closeAll();
        }
    }

    private void collectCertificatesAndRevocation() throws IOException {
        pool = new CertificatePool(policy.trustAnchors());
        List<X509Certificate> dssCerts = new ArrayList<>();
        PdfStructure.readDss(last, dssCerts, revocation);
        pool.addAll(dssCerts);
        for (SignatureEntry e : entries) {
            if (e.contents() == null || e.contents().length > MAX_CONTENTS) continue;
            try {
                if (e.documentTimestamp()) {
                    pool.addAll(Timestamp.parse(e.contents()).certificates);
                } else {
                    CmsSignature cms = CmsSignature.parse(e.contents());
                    pool.addAll(cms.certificates);
                    cms.collectRevocation(revocation);
                    for (byte[] ts : cms.signatureTimestamps()) pool.addAll(Timestamp.parse(ts).certificates);
                }
            } catch (IOException ignored) {
                // reported when that signature is validated
            }
        }
        pool.addAll(revocation.responderCertificates());
    }

    // ---------------------------------------------------------------- signatures

    private SignatureReport validateSignature(SignatureEntry e) throws IOException {
        Verdict v = new Verdict();
        List<TimelineEvent> timeline = new ArrayList<>();
        List<String> chainNames = new ArrayList<>();
        List<RevocationCheck> checks = new ArrayList<>();
        String signedBy = null;
        String level = null;
        boolean cades = "ETSI.CAdES.detached".equals(e.subFilter());
        boolean pkcs7 = "adbe.pkcs7.detached".equals(e.subFilter());
        String integrity = integrityProblem(e);
        ChangeVerdict changes = changesAfter(e);

        if (integrity != null) {
            v.fail(SubIndication.FORMAT_FAILURE, integrity);
        } else if (!cades && !pkcs7) {
            v.fail(SubIndication.FORMAT_FAILURE, "unsupported signature sub-filter " + e.subFilter());
        } else {
            CmsSignature cms = null;
            try {
                cms = CmsSignature.parse(e.contents());
            } catch (IOException ex) {
                v.fail(SubIndication.FORMAT_FAILURE, ex.getMessage());
            }
            if (cms != null) {
                signedBy = cms.signerCertificate == null ? null : dn(cms.signerCertificate.getSubjectX500Principal());
                level = checkCms(e, cms, v, timeline, chainNames, checks);
            }
        }
        if (e.signingTime() != null) timeline.add(0, event(e.signingTime().getTime(), "signing time claimed in the signature dictionary (/M)"));
        applyChanges(v, changes);
        timeline.sort(Comparator.comparing(TimelineEvent::time));
        return new SignatureReport(SIGNATURE, v.indication(), v.subIndication(), level, signedBy, changes.coversWholeDocument,
                changes.verdict, e.fieldName(), e.subFilter(), v.reasons(), changes.details, chainNames, timeline, checks);
    }

    private String checkCms(SignatureEntry e, CmsSignature cms, Verdict v, List<TimelineEvent> timeline, List<String> chainNames,
            List<RevocationCheck> checks) throws IOException {
        String weakDigest = Algorithms.weakDigest(cms.digestName, policy);
        if (cms.digestName == null) {
            v.fail(SubIndication.FORMAT_FAILURE, "unknown digest algorithm " + cms.signer.getDigestAlgOID());
            return null;
        }
        byte[] digest = digestOfRanges(e.byteRange(), newDigest(cms.digestName));
        if (cms.signerCertificate == null) {
            v.indeterminate(SubIndication.NO_SIGNING_CERTIFICATE_FOUND, "the CMS does not carry the signer's certificate");
            return null;
        }
        String sig = cms.verify(digest);
        if (sig != null) {
            if (sig.startsWith("HASH: ")) v.fail(SubIndication.HASH_FAILURE, sig.substring(6));
            else v.fail(SubIndication.SIG_CRYPTO_FAILURE, sig);
        }
        String ref = cms.signingCertificateReference();
        boolean refPresent = !"absent".equals(ref);
        if (refPresent && ref != null) v.indeterminate(SubIndication.NO_SIGNING_CERTIFICATE_FOUND, ref);
        if (!refPresent && "ETSI.CAdES.detached".equals(e.subFilter())) v.warn("no signing-certificate-v2 attribute (required by PAdES baseline)");

        Date claimed = cms.claimedSigningTime();
        if (claimed != null) timeline.add(event(claimed, "signing time claimed in the CMS"));
        else if (e.signingTime() != null) claimed = e.signingTime().getTime(); // /M lies inside the signed bytes

        // timestamps over this signature: its own signature timestamps, then document timestamps after it
        Date poe = null;
        boolean timestamped = false;
        List<RevocationCheck> tsaChecks = new ArrayList<>();
        for (byte[] der : cms.signatureTimestamps()) {
            timestamped = true;
            TimestampResult t = validateTimestampToken(der, cms.signer.getSignature(), earliestDocumentTimestampAfter(e), v, timeline, tsaChecks);
            timeline.add(event(t.genTime(), "signature timestamp" + (t.tsa() == null ? "" : " by " + dn(t.tsa().getSubjectX500Principal()))
                    + (t.valid() ? " (valid)" : " (not accepted: " + t.problem() + ")")));
            if (!t.valid()) v.warn("signature timestamp not accepted: " + t.problem());
            if (t.valid() && (poe == null || t.genTime().before(poe))) poe = t.genTime();
        }
        for (Map.Entry<SignatureEntry, TimestampResult> dts : docTimestamps.entrySet()) {
            if (dts.getKey().revisionEnd() <= e.revisionEnd()) continue;
            timestamped = true;
            TimestampResult t = dts.getValue();
            if (t.valid() && (poe == null || t.genTime().before(poe))) poe = t.genTime();
        }
        Date bestSignatureTime = poe == null ? validationTime : poe;
        if (poe != null) timeline.add(event(poe, "best-signature-time (earliest valid timestamp over the signature)"));

        List<X509Certificate> chain = pool.chainToAnchor(cms.signerCertificate);
        chain.forEach(c -> chainNames.add(dn(c.getSubjectX500Principal())));
        if (chain.isEmpty()) {
            v.indeterminate(SubIndication.NO_CERTIFICATE_CHAIN_FOUND, "no chain from the signer certificate to a trust anchor");
        } else {
            checkChain(chain, bestSignatureTime, poe != null, v, timeline, checks);
        }
        checks.addAll(tsaChecks); // after the signer's chain, which comes first
        if (weakDigest != null) v.indeterminate(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE, weakDigest);
        String weakKey = Algorithms.weakKey(cms.signerCertificate.getPublicKey(), policy);
        if (weakKey != null) v.indeterminate(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE, "signer " + weakKey);

        return level(e, cms, refPresent && ref == null, timestamped);
    }

    private void checkChain(List<X509Certificate> chain, Date bestSignatureTime, boolean hasPoe,
            Verdict v, List<TimelineEvent> timeline, List<RevocationCheck> checks) {
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            if (pool.isAnchor(c)) break;
            boolean signer = i == 0;
            String who = signer ? "signer certificate" : "CA certificate " + dn(c.getSubjectX500Principal());
            String weakCert = weakCertificateSignature(c);
            if (weakCert != null) v.indeterminate(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE, who + " is signed with " + weakCert);
            if (signer) timeline.add(event(c.getNotAfter(), "signer certificate expires"));
            if (c.getNotAfter().before(validationTime)) {
                if (hasPoe && !bestSignatureTime.after(c.getNotAfter())) {
                    v.info(who + " has expired, but a timestamp proves the signature existed before that");
                } else {
                    v.indeterminate(SubIndication.OUT_OF_BOUNDS_NO_POE, who + " expired on " + c.getNotAfter().toInstant()
                            + " and no timestamp proves the signature existed before");
                }
            }
            if (c.getNotBefore().after(bestSignatureTime)) {
                v.indeterminate(SubIndication.OUT_OF_BOUNDS_NO_POE, who + " was not yet valid at the best-signature-time");
            }
            Found found = statusOf(c, chain.get(i + 1));
            Revocation.Result r = found.result();
            String origin = found.origin();
            String from = found.from();
            checks.add(check(c, r, origin, signer ? "signer" : "ca"));
            switch (r.status()) {
                case REVOKED -> {
                    timeline.add(event(r.revocationTime(), who + " revoked" + (r.reason() == null ? "" : " (" + r.reason() + ")")
                            + ", according to " + from));
                    if (!r.revocationTime().after(bestSignatureTime)) {
                        v.indeterminate(signer ? SubIndication.REVOKED_NO_POE : SubIndication.REVOKED_CA_NO_POE,
                                who + " was revoked on " + r.revocationTime().toInstant() + " and no timestamp proves the signature existed before");
                    } else {
                        v.info(who + " was revoked on " + r.revocationTime().toInstant() + ", after the signature was timestamped");
                    }
                }
                case GOOD -> {
                    timeline.add(event(r.issuedAt(), who + ": " + from + " says not revoked"));
                    if ("signet".equals(origin)) v.info(who + ": the file carries no revocation data for it; the status is from " + from);
                }
                case UNKNOWN, NONE -> {
                    String why = r.status() == Revocation.Status.UNKNOWN ? "the OCSP responder does not know it (" + from + ")"
                            : "the file carries no revocation data for it";
                    // DSS reports this as CERTIFICATE_CHAIN_GENERAL_FAILURE; ETSI's TRY_LATER would promise data that may never come
                    if (policy.revocationRequired()) v.indeterminate(SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE, who + ": revocation status unknown (" + why + ")");
                    else v.warn(who + ": revocation status unknown (" + why + "); the policy does not require it");
                }
            }
        }
    }

    /** A revocation status and where it came from ({@code file-dss}, {@code file-cms}, {@code signet} or {@code none}). */
    private record Found(Revocation.Result result, String origin) {
        /** Where it came from, in words; null when nothing was found. */
        String from() {
            return result.status() == Revocation.Status.NONE ? null : describe(origin, result.source());
        }
    }

    /** From the file's data, else from the caller's current source (in-process), as for the signer's chain. */
    private Found statusOf(X509Certificate c, X509Certificate issuer) {
        Revocation.Result r = revocation.statusOf(c, issuer, false);
        if (r.status() != Revocation.Status.NONE) return new Found(r, r.fromDss() ? "file-dss" : "file-cms");
        if (askCurrent(c, issuer)) {
            r = current.statusOf(c, issuer, false);
            if (r.status() != Revocation.Status.NONE) return new Found(r, "signet");
        }
        return new Found(r, "none");
    }

    /**
     * The revocation of a timestamp's TSA chain, as ETSI EN 319 102-1 (5.4, 5.6.2.1) and EU DSS see it.
     * A timestamp is no proof of its own existence: a TSA certificate revoked at or before genTime makes
     * the token worthless, and one revoked after genTime too, unless a later valid timestamp proves the
     * token existed before the revocation (a key compromised since could have made it, back-dated). The
     * TSA certificate needs revocation data when the policy asks for it; its CA certificates only warn
     * without (DSS's default policy, Timestamp constraints).
     *
     * @param laterPoe the earliest valid timestamp over this one, or null
     */
    private void checkTsaRevocation(List<X509Certificate> chain, Date genTime, Date laterPoe, Verdict v,
            List<TimelineEvent> timeline, List<RevocationCheck> checks) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            if (pool.isAnchor(c)) break;
            boolean tsa = i == 0;
            String who = (tsa ? "TSA certificate " : "TSA's CA certificate ") + dn(c.getSubjectX500Principal());
            Found found = statusOf(c, chain.get(i + 1));
            Revocation.Result r = found.result();
            checks.add(check(c, r, found.origin(), tsa ? "tsa" : "tsa-ca"));
            switch (r.status()) {
                case REVOKED -> {
                    Date at = r.revocationTime();
                    timeline.add(event(at, who + " revoked" + (r.reason() == null ? "" : " (" + r.reason() + ")")
                            + ", according to " + found.from()));
                    SubIndication sub = tsa ? SubIndication.REVOKED_NO_POE : SubIndication.REVOKED_CA_NO_POE;
                    if (laterPoe != null && at.after(laterPoe)) {
                        v.info(who + " was revoked on " + at.toInstant() + ", after a later timestamp proves this one existed");
                    } else if (!at.after(genTime)) {
                        v.indeterminate(sub, who + " was revoked on " + at.toInstant() + ", before the timestamp's time "
                                + genTime.toInstant());
                    } else {
                        v.indeterminate(sub, who + " was revoked on " + at.toInstant() + ", after the timestamp's time "
                                + genTime.toInstant() + ", and no later timestamp proves the timestamp existed before the revocation");
                    }
                }
                case GOOD -> {
                    if ("signet".equals(found.origin())) v.info(who + ": the file carries no revocation data for it; the status is from " + found.from());
                }
                case UNKNOWN, NONE -> {
                    String why = r.status() == Revocation.Status.UNKNOWN ? "the OCSP responder does not know it (" + found.from() + ")"
                            : "the file carries no revocation data for it";
                    if (tsa && policy.revocationRequired()) {
                        v.indeterminate(SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE, who + ": revocation status unknown (" + why + ")");
                    } else {
                        v.warn(who + ": revocation status unknown (" + why + ")" + (tsa ? "; the policy does not require it" : ""));
                    }
                }
            }
        }
    }

    /**
     * Asks the caller's source (the server: Signet's own OCSP responder, else its current CRL, for a
     * certificate of one of its CAs) and keeps what it answers; true when it answered anything.
     */
    private boolean askCurrent(X509Certificate c, X509Certificate issuer) {
        boolean answered = false;
        try {
            var ocsp = currentSource.ocspResponse(c, issuer);
            if (ocsp.isPresent()) {
                CmsSignature.addOcspResponse(current, org.bouncycastle.asn1.ASN1Primitive.fromByteArray(ocsp.get()), false);
                answered = true;
            } else {
                var cf = java.security.cert.CertificateFactory.getInstance("X.509");
                for (byte[] der : currentSource.crls(c, issuer)) {
                    current.addCrl((java.security.cert.X509CRL) cf.generateCRL(new java.io.ByteArrayInputStream(der)), false);
                    answered = true;
                }
            }
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            // a source that cannot answer leaves the status unknown, as no data would
        }
        return answered;
    }

    private static String describe(String origin, String kind) {
        return switch (origin) {
            case "file-dss" -> "the " + kind + " in the file's DSS dictionary";
            case "file-cms" -> "the " + kind + " inside the CMS signature";
            default -> "Signet's own current " + (kind.equals("OCSP") ? "OCSP response" : "CRL") + " (asked in-process)";
        };
    }

    private static RevocationCheck check(X509Certificate c, Revocation.Result r, String origin, String role) {
        return new RevocationCheck(dn(c.getSubjectX500Principal()), r.status().name().toLowerCase(), origin, r.source(),
                r.issuedAt() == null ? null : r.issuedAt().toInstant().toString(),
                r.revocationTime() == null ? null : r.revocationTime().toInstant().toString(), r.reason(), role);
    }

    private String weakCertificateSignature(X509Certificate c) {
        String alg = c.getSigAlgName().toUpperCase();
        String digest = alg.startsWith("SHA1") ? "SHA-1" : alg.startsWith("MD5") ? "MD5" : alg.startsWith("SHA224") ? "SHA-224" : null;
        if (digest != null && !policy.acceptedDigests().contains(digest)) return c.getSigAlgName();
        return null;
    }

    /** PAdES baseline level (ETSI EN 319 142-1), from what the file holds; null for adbe.pkcs7.detached. */
    private String level(SignatureEntry e, CmsSignature cms, boolean signingCertificateMatches, boolean timestamped) throws IOException {
        if (!"ETSI.CAdES.detached".equals(e.subFilter()) || !signingCertificateMatches) return null;
        if (!timestamped) return "PAdES-BASELINE-B";
        if (!PdfStructure.hasDss(last) || !validationDataInDss(cms.signerCertificate)) return "PAdES-BASELINE-T";
        long dss = PdfStructure.dssOffset(last);
        // validation data for this signature is added after it (ETSI EN 319 142-1, 5.4): a DSS dictionary
        // that only an earlier revision wrote (a second signature on a B-LT file) does not make it LT, as DSS also says
        if (dss >= 0 && dss < e.revisionEnd()) return "PAdES-BASELINE-T";
        for (SignatureEntry ts : entries) {
            if (!ts.documentTimestamp() || ts.revisionEnd() <= e.revisionEnd() || ts.byteRange() == null) continue;
            // the DSS dictionary as that document timestamp's revision had it (a later one, added for the
            // timestamp's own validation data, does not take the level back to LT)
            long covered = PdfStructure.dssOffset(revisionAt(ts.revisionEnd()));
            if (covered >= e.revisionEnd() && covered < ts.byteRange()[1]) return "PAdES-BASELINE-LTA";
        }
        return "PAdES-BASELINE-LT";
    }

    private PDDocument revisionAt(long end) throws IOException {
        return end >= bytes.length() ? last : revision(end);
    }

    /** LT: every certificate up to a self-signed one (or an anchor) has revocation data in the DSS dictionary. */
    private boolean validationDataInDss(X509Certificate signer) {
        X509Certificate c = signer;
        for (int depth = 0; depth < 10; depth++) {
            if (pool.isAnchor(c) || c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) return true;
            List<X509Certificate> issuers = pool.issuersOf(c);
            if (issuers.isEmpty()) return false;
            if (revocation.statusOf(c, issuers.get(0), true).status() == Revocation.Status.NONE) return false;
            c = issuers.get(0);
        }
        return false;
    }

    // ---------------------------------------------------------------- timestamps

    private SignatureReport validateDocumentTimestamp(SignatureEntry e) throws IOException {
        Verdict v = new Verdict();
        List<TimelineEvent> timeline = new ArrayList<>();
        List<String> chainNames = new ArrayList<>();
        List<RevocationCheck> checks = new ArrayList<>();
        String signedBy = null;
        String integrity = integrityProblem(e);
        ChangeVerdict changes = changesAfter(e);
        TimestampResult result = new TimestampResult(null, false, null, "not checked");
        if (integrity != null) {
            v.fail(SubIndication.FORMAT_FAILURE, integrity);
        } else if (!"ETSI.RFC3161".equals(e.subFilter())) {
            v.fail(SubIndication.FORMAT_FAILURE, "unsupported document timestamp sub-filter " + e.subFilter());
        } else {
            try {
                Timestamp ts = Timestamp.parse(e.contents());
                byte[] digest = digestOfRanges(e.byteRange(), ts.newImprintDigest());
                X509Certificate tsa = tsaCertificate(ts);
                signedBy = tsa == null ? null : dn(tsa.getSubjectX500Principal());
                timeline.add(event(ts.genTime(), "document timestamp"));
                String problem = ts.verify(digest, tsa);
                if (problem != null) {
                    if (problem.startsWith("HASH: ")) v.fail(SubIndication.HASH_FAILURE, problem.substring(6));
                    else if (tsa == null) v.indeterminate(SubIndication.NO_SIGNING_CERTIFICATE_FOUND, problem.substring(8));
                    else v.fail(SubIndication.SIG_CRYPTO_FAILURE, problem);
                }
                List<X509Certificate> chain = tsa == null ? List.of() : pool.chainToAnchor(tsa);
                chain.forEach(c -> chainNames.add(dn(c.getSubjectX500Principal())));
                if (tsa != null && chain.isEmpty()) {
                    v.indeterminate(SubIndication.NO_CERTIFICATE_CHAIN_FOUND, "no chain from the TSA certificate to a trust anchor");
                }
                Date later = earliestDocumentTimestampAfter(e);
                if (problem == null) checkTsaRevocation(chain, ts.genTime(), later, v, timeline, checks);
                for (X509Certificate c : chain) {
                    if (pool.isAnchor(c)) break;
                    if (c.getNotAfter().before(validationTime) && (later == null || later.after(c.getNotAfter()))) {
                        v.indeterminate(SubIndication.OUT_OF_BOUNDS_NO_POE, dn(c.getSubjectX500Principal()) + " expired and no later timestamp covers it");
                    }
                }
                String weak = Algorithms.weakDigest(ts.imprintDigest, policy);
                if (weak != null) v.indeterminate(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE, weak);
                if (tsa != null) {
                    String weakKey = Algorithms.weakKey(tsa.getPublicKey(), policy);
                    if (weakKey != null) v.indeterminate(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE, "TSA " + weakKey);
                }
                result = new TimestampResult(ts.genTime(), v.indication() == Indication.TOTAL_PASSED, tsa, String.join("; ", v.reasons()));
            } catch (IOException ex) {
                v.fail(SubIndication.FORMAT_FAILURE, ex.getMessage());
            }
        }
        applyChanges(v, changes);
        docTimestamps.put(e, result);
        return new SignatureReport(TIMESTAMP, v.indication(), v.subIndication(), null, signedBy, changes.coversWholeDocument,
                changes.verdict, e.fieldName(), e.subFilter(), v.reasons(), changes.details, chainNames, timeline, checks);
    }

    /**
     * A signature timestamp over {@code signatureValue}: valid when imprint, signature, TSA chain and its
     * revocation hold. The TSA chain's revocation checks go to {@code checks}, its events to
     * {@code timeline}, and what does not make it invalid (warnings) to the signature's verdict {@code v}.
     */
    private TimestampResult validateTimestampToken(byte[] der, byte[] signatureValue, Date laterPoe, Verdict v,
            List<TimelineEvent> timeline, List<RevocationCheck> checks) {
        try {
            Timestamp ts = Timestamp.parse(der);
            byte[] digest = ts.newImprintDigest().digest(signatureValue);
            X509Certificate tsa = tsaCertificate(ts);
            String problem = ts.verify(digest, tsa);
            List<X509Certificate> chain = problem == null ? pool.chainToAnchor(tsa) : List.of();
            if (problem == null && chain.isEmpty()) problem = "no chain from the TSA certificate to a trust anchor";
            if (problem == null && tsa.getNotAfter().before(validationTime) && (laterPoe == null || laterPoe.after(tsa.getNotAfter()))) {
                problem = "the TSA certificate expired and no later timestamp covers it";
            }
            if (problem == null) problem = Algorithms.weakDigest(ts.imprintDigest, policy);
            if (problem == null) {
                Verdict tv = new Verdict();
                checkTsaRevocation(chain, ts.genTime(), laterPoe, tv, timeline, checks);
                for (String note : tv.notes()) v.info("signature timestamp: " + note);
                if (tv.indication() != Indication.TOTAL_PASSED) problem = String.join("; ", tv.findings());
            }
            return new TimestampResult(ts.genTime(), problem == null, tsa, problem);
        } catch (IOException e) {
            return new TimestampResult(null, false, null, e.getMessage());
        }
    }

    private X509Certificate tsaCertificate(Timestamp ts) {
        if (ts.tsaCertificate != null) return ts.tsaCertificate;
        return null;
    }

    /** The earliest proof of existence a later valid document timestamp gives {@code e}, or null. */
    private Date earliestDocumentTimestampAfter(SignatureEntry e) {
        Date best = null;
        for (Map.Entry<SignatureEntry, TimestampResult> d : docTimestamps.entrySet()) {
            if (d.getKey().revisionEnd() > e.revisionEnd() && d.getValue().valid()
                    && (best == null || d.getValue().genTime().before(best))) best = d.getValue().genTime();
        }
        return best;
    }

    // ---------------------------------------------------------------- integrity

    /**
     * Null when the ByteRange is [0, b, c, d] with b < c, the gap [b, c) is exactly the hex string
     * that is this dictionary's /Contents, the dictionary lies in the first signed part, and c+d ends
     * a revision (%%EOF); otherwise why not. This is what USF and SWA get wrong.
     */
    private String integrityProblem(SignatureEntry e) throws IOException {
        long[] r = e.byteRange();
        if (r == null) return "the signature has no valid /ByteRange (four non-negative integers)";
        if (e.contents() == null) return "the signature has no /Contents";
        if (e.contents().length == 0) return "the signature's /Contents is empty";
        if (r[0] != 0) return "the /ByteRange does not start at the beginning of the file";
        long gapStart = r[1];
        long gapEnd = r[2];
        long end = r[2] + r[3];
        if (gapEnd <= gapStart) return "the /ByteRange parts overlap or touch";
        if (end > bytes.length()) return "the /ByteRange reaches past the end of the file";
        if (gapEnd - gapStart > 2L * MAX_CONTENTS + 2) return "the /Contents gap is larger than " + MAX_CONTENTS + " bytes";
        byte[] gap = bytes.read(gapStart, (int) (gapEnd - gapStart));
        if (gap.length < 2 || gap[0] != '<' || gap[gap.length - 1] != '>') {
            return "the bytes left out of the /ByteRange are not exactly the /Contents hex string";
        }
        String hex = new String(gap, 1, gap.length - 2, StandardCharsets.US_ASCII);
        if (hex.length() % 2 != 0 || !hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
            return "the bytes left out of the /ByteRange are not exactly the /Contents hex string";
        }
        if (!java.util.Arrays.equals(HexFormat.of().parseHex(hex), e.contents())) {
            return "the bytes left out of the /ByteRange are not this signature's /Contents";
        }
        if (e.dictionaryOffset() < 0 || e.dictionaryOffset() >= gapStart) {
            return "the signature dictionary is not inside the signed bytes";
        }
        int tailLen = (int) Math.min(end, 16);
        String tail = new String(bytes.read(end - tailLen, tailLen), StandardCharsets.ISO_8859_1).stripTrailing().replace("\0", "");
        if (!tail.endsWith("%%EOF")) return "the signed bytes do not end a revision (%%EOF)";
        return null;
    }

    private byte[] digestOfRanges(long[] r, MessageDigest md) throws IOException {
        bytes.digest(md, r[0], r[1]);
        bytes.digest(md, r[2], r[3]);
        return md.digest();
    }

    private static MessageDigest newDigest(String name) throws IOException {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("digest " + name + " unavailable");
        }
    }

    // ---------------------------------------------------------------- changes

    /** What later revisions did, and whether this signature (and the document's DocMDP) allows it. */
    static final class ChangeVerdict {
        boolean coversWholeDocument;
        String verdict = "none";
        boolean disallowed;
        List<String> details = new ArrayList<>();
    }

    private ChangeVerdict changesAfter(SignatureEntry e) throws IOException {
        ChangeVerdict out = new ChangeVerdict();
        long end = e.revisionEnd();
        if (e.byteRange() == null || end > bytes.length() || end <= 0) {
            out.coversWholeDocument = false;
            out.verdict = "disallowed";
            out.disallowed = true;
            out.details.add("the signed revision cannot be located");
            return out;
        }
        if (end == bytes.length() || onlyWhitespaceAfter(end)) {
            out.coversWholeDocument = true;
            return out;
        }
        out.coversWholeDocument = false;
        if (bytes.endOfLastEofMarker(end) < 0 || last.getDocument().getStartXref() < end) {
            out.verdict = "disallowed";
            out.disallowed = true;
            out.details.add("bytes after the signed revision are not a complete incremental update");
            return out;
        }
        PDDocument signed = revision(end);
        Changes c = ChangeAnalyzer.compare(signed, last);
        out.details.addAll(ChangeAnalyzer.describe(c));
        Integer p = null;
        for (SignatureEntry other : entries) {
            if (other.docMdp() != null && other.revisionEnd() <= end) { p = other.docMdp(); break; }
        }
        SignatureEntry.FieldLock lock = e.lock();
        if (lock != null && lock.docMdp() != null) p = p == null ? lock.docMdp() : Math.min(p, lock.docMdp());
        List<String> why = new ArrayList<>();
        if (c.kinds.contains(Changes.Kind.OTHER)) why.add("changes other than form filling, annotations, signatures and validation data");
        if (p != null && p <= 2 && c.kinds.contains(Changes.Kind.ANNOTATION)) why.add("annotations, which the certification (DocMDP P=" + p + ") forbids");
        if (p != null && p == 1 && c.kinds.contains(Changes.Kind.FORM_FILL)) why.add("form filling, which the certification (DocMDP P=1) forbids");
        if (p != null && p == 1 && c.kinds.contains(Changes.Kind.SIGNATURE)) why.add("new signatures, which the certification (DocMDP P=1) forbids");
        if (lock != null) {
            for (String f : c.filledFields) if (lock.locks(f)) why.add("field '" + f + "', which this signature locks");
        }
        out.disallowed = !why.isEmpty();
        out.verdict = out.disallowed ? "disallowed" : "allowed";
        for (String w : why) out.details.add("not allowed: " + w);
        return out;
    }

    private static void applyChanges(Verdict v, ChangeVerdict c) {
        if (c.disallowed) v.fail(SubIndication.FORMAT_FAILURE, "the document was changed after signing in a way the signature does not allow");
        else if (!c.coversWholeDocument) v.info("later revisions only add what the signature allows");
    }

    private boolean onlyWhitespaceAfter(long end) throws IOException {
        long rest = bytes.length() - end;
        if (rest > 64) return false;
        for (byte b : bytes.read(end, (int) rest)) if (!PdfBytes.isWhite(b)) return false;
        return true;
    }

    private PDDocument revision(long end) throws IOException {
        PDDocument d = revisions.get(end);
        if (d == null) {
            d = Loader.loadPDF(new PrefixRead(file, end));
            revisions.put(end, d);
        }
        return d;
    }

    private void closeAll() {
        for (PDDocument d : revisions.values()) closeQuietly(d);
        if (last != null) closeQuietly(last);
    }

    private static void closeQuietly(PDDocument d) {
        try {
            d.close();
        } catch (IOException ignored) {
            // nothing was written
        }
    }

    static String dn(X500Principal p) {
        return p.getName(X500Principal.RFC2253);
    }

    private static TimelineEvent event(Date d, String what) {
        return new TimelineEvent(d == null ? "unknown" : d.toInstant().toString(), what);
    }
}
