package dev.signet.ca.revoke;

import dev.signet.ca.OcspReply;
import dev.signet.ca.store.RevocationStore;
import dev.signet.hsm.SignedObject;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.CertID;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.OCSPResponse;
import org.bouncycastle.asn1.ocsp.OCSPResponseStatus;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;

/**
 * The OCSP responder of every CA on this node (RFC 6960, RFC 5019 profile). A request without a
 * nonce for one certificate is answered from {@link ResponseCache} (pre-signed, refreshed in the
 * background before it expires); a request with a nonce (RFC 8954) or for several certificates
 * is signed for that request. Garbage gets {@code malformedRequest}, a CA that Signet does not
 * serve {@code unauthorized}, and nothing a client sends costs more than one parse, at most
 * {@value #MAX_REQUESTS} status reads and one signature.
 */
public final class OcspResponder {

    /** Requests (CertIDs) per message; more is refused as malformed. */
    public static final int MAX_REQUESTS = 10;
    /** Request size bound, in octets (a request for 10 CertIDs with a nonce is well under 2 KB). */
    public static final int MAX_REQUEST_BYTES = 8192;

    /** Finds the signer of a CA's responses (its delegated responder, or its own key). */
    @FunctionalInterface
    public interface Signers {
        ResponderSigner forCa(String caId);
    }

    /** Reads a certificate's status. */
    @FunctionalInterface
    public interface StatusSource {
        Optional<RevocationStore.Status> status(String caId, String serialHex);
    }

    private static final byte[] MALFORMED = status(OCSPResponseStatus.MALFORMED_REQUEST);
    private static final byte[] UNAUTHORIZED = status(OCSPResponseStatus.UNAUTHORIZED);
    private static final byte[] INTERNAL_ERROR = status(OCSPResponseStatus.INTERNAL_ERROR);
    private static final byte[] TRY_LATER = status(OCSPResponseStatus.TRY_LATER);

    private final IssuerIndex issuers;
    private final Signers signers;
    private final StatusSource statuses;
    private final ResponseCache cache;
    private final Clock clock;
    private final Duration validity;

    public OcspResponder(IssuerIndex issuers, Signers signers, StatusSource statuses, Clock clock, Duration validity) {
        this.issuers = issuers;
        this.signers = signers;
        this.statuses = statuses;
        this.cache = new ResponseCache(200_000);
        this.clock = clock;
        this.validity = validity;
    }

    /** Answers a DER OCSPRequest. Never throws for anything in the request. */
    public OcspReply respond(byte[] request) {
        Instant now = clock.instant();
        if (request == null || request.length == 0 || request.length > MAX_REQUEST_BYTES) {
            return OcspReply.uncached(MALFORMED);
        }
        ResponseCache.Entry hit = cache.forRequest(request, now);
        if (hit != null) {
            return answer(hit);
        }
        OCSPReq req;
        Req[] list;
        Extension nonce;
        try {
            req = new OCSPReq(request);
            list = req.getRequestList();
            nonce = req.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        } catch (IOException | RuntimeException e) {
            return OcspReply.uncached(MALFORMED);
        }
        if (list.length == 0 || list.length > MAX_REQUESTS || (nonce != null && !nonceLengthAccepted(nonce))) {
            return OcspReply.uncached(MALFORMED);
        }
        String caId = null;
        for (Req r : list) {
            CertificateID id = r.getCertID();
            String ca = issuers.find(id.getHashAlgOID(), id.getIssuerNameHash(), id.getIssuerKeyHash());
            if (ca == null || (caId != null && !caId.equals(ca))) {
                return OcspReply.uncached(UNAUTHORIZED);
            }
            caId = ca;
        }
        try {
            if (list.length == 1 && nonce == null) {
                ResponseCache.Entry e = cached(caId, list[0].getCertID(), now);
                if (e == null) {
                    return OcspReply.uncached(sign(caId, List.of(list[0].getCertID()), null, now));
                }
                cache.index(request, e);
                return answer(e);
            }
            List<CertificateID> ids = new ArrayList<>();
            for (Req r : list) {
                ids.add(r.getCertID());
            }
            return OcspReply.uncached(sign(caId, ids, nonce, now));
        } catch (UnavailableException e) {
            return OcspReply.uncached(TRY_LATER);
        } catch (RuntimeException e) {
            return OcspReply.uncached(INTERNAL_ERROR);
        }
    }

    /**
     * A signed response about one certificate of {@code caId} (CertID with SHA-1), from the cache
     * when it holds one; for callers in this process (PAdES B-LT). Empty for a CA not served.
     */
    public Optional<byte[]> responseFor(String caId, BigInteger serial) {
        IssuerIndex.Hashes h = issuers.sha1Of(caId);
        if (h == null) {
            return Optional.empty();
        }
        CertificateID id = new CertificateID(new CertID(new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1, DERNull.INSTANCE),
                new DEROctetString(h.nameHash()), new DEROctetString(h.keyHash()), new ASN1Integer(serial)));
        Instant now = clock.instant();
        ResponseCache.Entry e = cached(caId, id, now);
        return Optional.of(e != null ? e.der : sign(caId, List.of(id), null, now));
    }

    /** A known certificate's cached response, built and cached if missing; null for a serial never issued. */
    private ResponseCache.Entry cached(String caId, CertificateID id, Instant now) {
        String serialHex = serialHex(id.getSerialNumber());
        String alg = IssuerIndex.ALGORITHMS.get(id.getHashAlgOID());
        String key = ResponseCache.key(caId, serialHex, alg);
        ResponseCache.Entry e = cache.get(key, now);
        if (e != null) {
            return e;
        }
        return build(caId, id, serialHex, key, now);
    }

    private ResponseCache.Entry build(String caId, CertificateID id, String serialHex, String key, Instant now) {
        long generation = cache.generationOf(caId); // before the status read: see ResponseCache
        Optional<RevocationStore.Status> status = serialHex == null ? Optional.empty() : statuses.status(caId, serialHex);
        if (status.isEmpty()) {
            return null;
        }
        Instant thisUpdate = now.truncatedTo(ChronoUnit.SECONDS);
        Instant nextUpdate = thisUpdate.plus(validity);
        byte[] der = signOne(caId, id, certStatus(status), thisUpdate, nextUpdate);
        ResponseCache.Entry e = new ResponseCache.Entry(caId, serialHex, key, der, thisUpdate, nextUpdate,
                thisUpdate.plus(validity.dividedBy(2)), etag(der));
        cache.put(e, generation);
        return e;
    }

    /** Re-signs the cached responses that are past half their validity; returns how many. */
    public int refreshDue(int max) {
        Instant now = clock.instant();
        int n = 0;
        for (ResponseCache.Entry old : cache.due(now, max)) {
            try {
                OCSPRespParts parts = OCSPRespParts.certId(old.der);
                if (parts != null && build(old.caId, parts.id, old.serialHex, old.key, now) != null) {
                    n++;
                }
            } catch (RuntimeException e) {
                // left as it is: it is still valid until its nextUpdate, and the next round retries
            }
        }
        cache.dropExpired(now);
        return n;
    }

    /** After a revoke or release of {@code serialHex} committed: nothing cached about it is served again. */
    public void invalidate(String caId, String serialHex) {
        cache.invalidate(caId, serialHex);
    }

    /** After a CA's responder changed. */
    public void invalidateCa(String caId) {
        cache.invalidateCa(caId);
    }

    public int cachedResponses() {
        return cache.size();
    }

    private byte[] sign(String caId, List<CertificateID> ids, Extension nonce, Instant now) {
        Instant thisUpdate = now.truncatedTo(ChronoUnit.SECONDS);
        Instant nextUpdate = thisUpdate.plus(validity);
        ResponderSigner rs = signer(caId);
        BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(rs.respId());
        for (CertificateID id : ids) {
            String serialHex = serialHex(id.getSerialNumber());
            Optional<RevocationStore.Status> status = serialHex == null ? Optional.empty() : statuses.status(caId, serialHex);
            b.addResponse(id, certStatus(status), Date.from(thisUpdate), Date.from(nextUpdate), null);
        }
        if (nonce != null) {
            b.setResponseExtensions(new Extensions(nonce));
        }
        return build(b, rs, thisUpdate);
    }

    private byte[] signOne(String caId, CertificateID id, CertificateStatus status, Instant thisUpdate, Instant nextUpdate) {
        ResponderSigner rs = signer(caId);
        BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(rs.respId());
        b.addResponse(id, status, Date.from(thisUpdate), Date.from(nextUpdate), null);
        return build(b, rs, thisUpdate);
    }

    private ResponderSigner signer(String caId) {
        try {
            return signers.forCa(caId);
        } catch (RuntimeException e) {
            throw new UnavailableException(e);
        }
    }

    private static byte[] build(BasicOCSPRespBuilder b, ResponderSigner rs, Instant producedAt) {
        try {
            BasicOCSPResp basic = b.build(rs.signer().contentSigner(SignedObject.OCSP_RESPONSE), rs.chain(),
                    Date.from(producedAt));
            return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
        } catch (OCSPException | IOException e) {
            throw new IllegalStateException("cannot build the OCSP response", e);
        }
    }

    private static CertificateStatus certStatus(Optional<RevocationStore.Status> s) {
        if (s.isEmpty()) {
            return new UnknownStatus();
        }
        RevocationStore.Status st = s.get();
        if (!st.revoked()) {
            return CertificateStatus.GOOD;
        }
        return new RevokedStatus(Date.from(st.revokedAt().truncatedTo(ChronoUnit.SECONDS)),
                st.reasonCode() == null ? 0 : st.reasonCode());
    }

    /** Lower-case hex without leading zeros, or null for a serial no CA issues (zero or negative). */
    private static String serialHex(BigInteger serial) {
        return serial == null || serial.signum() <= 0 || serial.bitLength() > 160 ? null : serial.toString(16);
    }

    /** RFC 8954 2.1: a nonce of 1 to 32 octets. */
    private static boolean nonceLengthAccepted(Extension nonce) {
        byte[] value = nonce.getExtnValue().getOctets();
        int length = value.length;
        try {
            ASN1Primitive inner = ASN1Primitive.fromByteArray(value);
            if (inner instanceof ASN1OctetString os) {
                length = os.getOctets().length;
            }
        } catch (IOException | RuntimeException e) {
            // not DER inside: the raw octets are the nonce
        }
        return length >= 1 && length <= 32;
    }

    private static OcspReply answer(ResponseCache.Entry e) {
        return new OcspReply(e.der, true, e.thisUpdate, e.nextUpdate, e.etag);
    }

    private static String etag(byte[] der) {
        try {
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der), 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] status(int code) {
        try {
            return new OCSPResponse(new OCSPResponseStatus(code), null).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The signer could not be reached: the client should try later. */
    private static final class UnavailableException extends RuntimeException {
        UnavailableException(Throwable cause) {
            super(cause);
        }
    }

    /** The CertID of a cached single response, to rebuild it. */
    private record OCSPRespParts(CertificateID id) {
        static OCSPRespParts certId(byte[] der) {
            try {
                BasicOCSPResp basic = (BasicOCSPResp) new org.bouncycastle.cert.ocsp.OCSPResp(der).getResponseObject();
                return new OCSPRespParts(basic.getResponses()[0].getCertID());
            } catch (IOException | OCSPException | RuntimeException e) {
                return null;
            }
        }
    }
}
