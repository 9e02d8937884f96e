package dev.signet.ca.tsa;

import dev.signet.ca.TsaReply;
import dev.signet.ca.TsaReply.Failure;
import dev.signet.ca.TsaSettings;
import dev.signet.ca.store.TsaStore;
import dev.signet.ca.store.TsaTokenRecord;
import dev.signet.hsm.ScopedSigner;
import dev.signet.hsm.SignedObject;
import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIFreeText;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.cmp.PKIStatusInfo;
import org.bouncycastle.asn1.tsp.TimeStampResp;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.bouncycastle.tsp.TimeStampRequest;

/**
 * One time-stamp authority at work: checks a query (RFC 3161 2.4.1), stamps it with the TSA's
 * scoped signer (a TIMESTAMPING key: it signs time-stamp tokens and nothing else), records the
 * token durably with its audit entry, and only then hands the reply back. Every refusal is a
 * {@code rejection} reply with its failInfo, never an exception. Thread-safe.
 *
 * <p>Tokens carry RFC 5816's ESSCertIDv2 (SHA-256) for the TSA certificate, the configured policy
 * and accuracy, ordering false, the requester's nonce, and the certificates only when asked
 * ({@code certReq}). Serials are the genTime followed by 80 random bits; the store's primary key
 * refuses a repeat, so they stay unique across restarts and across nodes without coordination.
 */
public final class TimeStamper {

    private static final DigestCalculatorProvider DIGESTS = new BcDigestCalculatorProvider();

    private final TsaSettings settings;
    private final ASN1ObjectIdentifier policy;
    private final ScopedSigner signer;
    private final X509CertificateHolder certificate;
    /** The TSA certificate's validity: a token outside it would not verify, so none is made. */
    private final long notBefore;
    private final long notAfter;
    private final TsaStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final TokenEncoder encoder;
    /** The latest genTime handed out (epoch ms), seeded from the store: the clock must never go below it. */
    private final AtomicLong lastGenTime;

    /**
     * @param chain the TSA certificate first, then its CA's chain; the token carries all but a
     *              self-signed root when the requester asks for certificates
     */
    public TimeStamper(TsaSettings settings, ScopedSigner signer, List<X509CertificateHolder> chain, TsaStore store,
            Clock clock, Instant lastGenTime) {
        this.settings = settings;
        this.policy = new ASN1ObjectIdentifier(settings.policyOid());
        this.signer = signer;
        this.certificate = chain.get(0);
        this.notBefore = certificate.getNotBefore().getTime();
        this.notAfter = certificate.getNotAfter().getTime();
        this.store = store;
        this.clock = clock;
        try {
            this.encoder = new TokenEncoder(DIGESTS, signer.contentSigner(SignedObject.TIMESTAMP_TOKEN).getAlgorithmIdentifier(),
                    policy, certificate, chain.stream().filter(c -> !isSelfSigned(c)).toList(), settings.accuracy().toMillis());
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot prepare the token encoder of TSA '" + settings.name() + "'", e);
        }
        this.lastGenTime = new AtomicLong(lastGenTime == null ? Long.MIN_VALUE : lastGenTime.toEpochMilli());
    }

    public TsaSettings settings() {
        return settings;
    }

    /** The latest genTime this stamper handed out, or null: a re-keyed TSA's next stamper starts from it. */
    public Instant lastGenTime() {
        long last = lastGenTime.get();
        return last == Long.MIN_VALUE ? null : Instant.ofEpochMilli(last);
    }

    /** The TSA certificate it signs under. */
    public X509CertificateHolder certificate() {
        return certificate;
    }

    /** Answers a DER TimeStampReq; the future completes once a granted token is durably recorded. */
    public CompletableFuture<TsaReply> respond(byte[] query, String requester) {
        TimeStampRequest request;
        try {
            request = new TimeStampRequest(query);
        } catch (IOException | RuntimeException e) {
            return done(reject(Failure.BAD_DATA_FORMAT, "the query is not a DER TimeStampReq"));
        }
        return respond(request, requester);
    }

    /** Answers a parsed request (the in-process path builds one). */
    public CompletableFuture<TsaReply> respond(TimeStampRequest request, String requester) {
        TsaReply refused = check(request);
        if (refused != null) {
            return done(refused);
        }
        Instant genTime = nextGenTime();
        if (genTime == null) {
            return done(reject(Failure.TIME_NOT_AVAILABLE,
                    "the clock is behind the time of a token already issued; no time is given until it is not"));
        }
        if (genTime.toEpochMilli() < notBefore || genTime.toEpochMilli() > notAfter) {
            return done(reject(Failure.SYSTEM_FAILURE, "the TSA's certificate is not valid at this time"));
        }
        Serial serial = serial(genTime);
        byte[] tokenDer;
        try {
            tokenDer = encoder.encode(request.toASN1Structure().getMessageImprint().getEncoded(ASN1Encoding.DER), serial.value(),
                    genTime, request.getNonce(), request.getCertReq(), signer.contentSigner(SignedObject.TIMESTAMP_TOKEN));
        } catch (OperatorCreationException | IOException | RuntimeException e) { // an HsmException among them
            return done(reject(Failure.SYSTEM_FAILURE, "the TSA could not sign the token"));
        }
        byte[] replyDer = grantedReply(tokenDer);
        String serialHex = serial.hex();
        TsaReply granted = new TsaReply(replyDer, null, null, serialHex, genTime, tokenDer);
        TsaTokenRecord record = new TsaTokenRecord(settings.name(), serialHex, genTime,
                Digests.jcaName(request.getMessageImprintAlgOID()), request.getMessageImprintDigest(), settings.policyOid(),
                requester);
        // The token is returned only once its record and audit entry are committed; if that fails it is
        // thrown away, and the requester gets a rejection rather than a token nobody can account for.
        return store.recordAsync(record).handle((ok, failure) -> failure == null ? granted
                : reject(Failure.SYSTEM_FAILURE, "the TSA could not record the token"));
    }

    /** The first reason to refuse {@code request}, or null. */
    private TsaReply check(TimeStampRequest request) {
        if (request.getVersion() != 1) {
            return reject(Failure.BAD_DATA_FORMAT, "only TimeStampReq version 1 is known");
        }
        ASN1ObjectIdentifier alg = request.getMessageImprintAlgOID();
        Integer length = Digests.length(alg, settings.acceptSha1());
        if (length == null) {
            return reject(Failure.BAD_ALG, "accepted message imprints: " + Digests.accepted(settings.acceptSha1()));
        }
        if (request.getMessageImprintDigest().length != length) {
            return reject(Failure.BAD_DATA_FORMAT, "the message imprint's length does not fit its hash algorithm");
        }
        if (request.getReqPolicy() != null && !request.getReqPolicy().equals(policy)) {
            return reject(Failure.UNACCEPTED_POLICY, "this TSA issues under policy " + settings.policyOid() + " only");
        }
        if (request.hasExtensions()) {
            return reject(Failure.UNACCEPTED_EXTENSION, "this TSA accepts no request extensions");
        }
        return null;
    }

    /**
     * Now, unless the clock reads earlier than the last genTime handed out (a clock set back, or a
     * restart on a machine whose clock is wrong): then null. The clock is read inside the loop, so
     * concurrent requests cannot refuse each other.
     */
    private Instant nextGenTime() {
        while (true) {
            long last = lastGenTime.get();
            long now = clock.millis();
            if (now < last) {
                return null;
            }
            if (now == last || lastGenTime.compareAndSet(last, now)) {
                return Instant.ofEpochMilli(now);
            }
        }
    }

    /** Random bits below the genTime in a serial: unpredictable, and unique without coordination. */
    static final int SERIAL_RANDOM_BITS = 80;

    /**
     * A serial: the genTime in milliseconds followed by {@value #SERIAL_RANDOM_BITS} random bits
     * (121 bits in all until 2039; RFC 3161 allows up to 160). Serials still cannot be guessed or
     * collide by chance, and the store's primary key still refuses a repeat, but they ascend with
     * time: the token table's key and the audit index on the serial take each new row at their
     * right-hand end instead of on a random page, which more than halved the store writer's CPU
     * per token (a commit writes a few pages instead of two per token).
     */
    private record Serial(BigInteger value, String hex) {
    }

    private Serial serial(Instant genTime) {
        byte[] low = new byte[SERIAL_RANDOM_BITS / 8];
        random.nextBytes(low);
        long millis = genTime.toEpochMilli();
        // The same as value.toString(16) (millis > 0, and the random part is exactly 20 hex digits), without the division.
        return new Serial(BigInteger.valueOf(millis).shiftLeft(SERIAL_RANDOM_BITS).or(new BigInteger(1, low)),
                Long.toHexString(millis) + HexFormat.of().formatHex(low));
    }

    /** DER of {@code status PKIStatusInfo(granted)} */
    private static final byte[] GRANTED = der(new PKIStatusInfo(PKIStatus.granted));

    /**
     * TimeStampResp ::= SEQUENCE { status, timeStampToken }, written around the token's DER: the
     * token (with its certificates) is the bulk of the reply, and encoding it a second time cost a
     * noticeable share of each token's CPU.
     */
    static byte[] grantedReply(byte[] tokenDer) {
        int length = GRANTED.length + tokenDer.length;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(length + 6);
        out.write(0x30);
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(GRANTED);
        out.writeBytes(tokenDer);
        return out.toByteArray();
    }

    private static byte[] der(org.bouncycastle.asn1.ASN1Encodable o) {
        try {
            return o.toASN1Primitive().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A rejection reply with {@code failure} and a human reason. */
    public static TsaReply reject(Failure failure, String text) {
        PKIStatusInfo status = new PKIStatusInfo(PKIStatus.rejection, new PKIFreeText(text), new PKIFailureInfo(failure.bit()));
        try {
            return new TsaReply(new TimeStampResp(status, null).getEncoded(ASN1Encoding.DER), failure, text, null, null, null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a rejection", e);
        }
    }

    private static boolean isSelfSigned(X509CertificateHolder c) {
        return c.getSubject().equals(c.getIssuer());
    }

    private static CompletableFuture<TsaReply> done(TsaReply r) {
        return CompletableFuture.completedFuture(r);
    }
}
