package dev.signet.ca;

import dev.signet.ca.tsa.ExternalTsaClient;
import java.net.URI;
import java.time.Duration;

/**
 * Where Signet's own signatures get their time-stamps: the built-in TSA
 * ({@link TimeStampAuthorities#builtIn}), or an external one named in the configuration
 * ({@link #external}, off by default: Signet makes no outbound connection unless told to).
 *
 * <pre>{@code
 * byte[] imprint = MessageDigest.getInstance("SHA-256").digest(signatureValue);
 * TimeStamp ts = source.timestamp("SHA-256", imprint);
 * // ts.token(): DER TimeStampToken for the unsigned attribute id-aa-signatureTimeStampToken
 * // ts.chain(): DER certificates, TSA first, for the DSS dictionary
 * }</pre>
 */
public interface TimeStampSource {

    /**
     * A token over {@code messageImprint}, the caller's hash of the data with
     * {@code digestAlgorithm} ({@code SHA-256}, {@code SHA-384} or {@code SHA-512}). Built-in tokens
     * are recorded and audited like every other token before this returns.
     *
     * @throws CaException BAD_REQUEST for another algorithm or an imprint of the wrong length;
     *                     UNAVAILABLE if the TSA refused or could not be reached
     */
    TimeStamp timestamp(String digestAlgorithm, byte[] messageImprint);

    /** A TSA at {@code url} (RFC 3161 over HTTP), with a nonce and certReq; its reply is checked against the request. */
    static TimeStampSource external(URI url, Duration timeout) {
        return new ExternalTsaClient(url, timeout);
    }
}
