package dev.signet.ca;

import java.time.Instant;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;

/**
 * A TSA's answer to one query: the DER {@code TimeStampResp} to send back, whether it granted a
 * token, and why not. A refusal is an answer too (status {@code rejection} with its failInfo),
 * never an exception, so that a client always gets what RFC 3161 promises it.
 *
 * @param der        the TimeStampResp, DER
 * @param failure    null when granted
 * @param statusText the reason given to the requester when refused, else null
 * @param serialHex  the token's serial (lower-case hex) when granted
 * @param genTime    the token's genTime when granted
 * @param tokenDer   the TimeStampToken (a CMS ContentInfo), DER, when granted
 */
public record TsaReply(byte[] der, Failure failure, String statusText, String serialHex, Instant genTime, byte[] tokenDer) {

    public boolean granted() {
        return failure == null;
    }

    /** The RFC 3161 failure reasons Signet replies with (PKIFailureInfo bits). */
    public enum Failure {
        BAD_ALG("badAlg", PKIFailureInfo.badAlg),
        BAD_REQUEST("badRequest", PKIFailureInfo.badRequest),
        BAD_DATA_FORMAT("badDataFormat", PKIFailureInfo.badDataFormat),
        TIME_NOT_AVAILABLE("timeNotAvailable", PKIFailureInfo.timeNotAvailable),
        UNACCEPTED_POLICY("unacceptedPolicy", PKIFailureInfo.unacceptedPolicy),
        UNACCEPTED_EXTENSION("unacceptedExtension", PKIFailureInfo.unacceptedExtension),
        SYSTEM_FAILURE("systemFailure", PKIFailureInfo.systemFailure);

        private final String rfcName;
        private final int bit;

        Failure(String rfcName, int bit) {
            this.rfcName = rfcName;
            this.bit = bit;
        }

        /** The name RFC 3161 gives it ({@code badAlg}, ...); metrics and logs use it. */
        public String rfcName() {
            return rfcName;
        }

        /** The PKIFailureInfo bit. */
        public int bit() {
            return bit;
        }
    }
}
