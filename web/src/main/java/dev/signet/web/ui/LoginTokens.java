package dev.signet.web.ui;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The login form's CSRF protection without server state: before login the session cookie holds a
 * signed, short-lived token ({@code nonce.expiry.mac}, HMAC-SHA256 under a key of this process),
 * and the form carries a value derived from it that a page of another site can neither read nor
 * compute. Fetching the login page stores nothing, so no amount of anonymous traffic can fill a
 * table or lock anyone out. The key is shared by every node on the database ({@code Storage.sharedKey}),
 * so a form fetched from one node can be posted to another.
 */
final class LoginTokens {

    static final Duration LIFETIME = Duration.ofMinutes(15);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** The name of the shared key in the database. */
    static final String KEY_NAME = "ui-login-form";

    private final byte[] key;
    private final Clock clock;

    LoginTokens(byte[] key, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the login form key must have at least 32 bytes");
        }
        this.key = key.clone();
        this.clock = clock;
    }

    /** A new token, valid for {@link #LIFETIME}. */
    String issue() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        long expires = clock.instant().plus(LIFETIME).getEpochSecond();
        String payload = B64.encodeToString(nonce) + "." + expires;
        return payload + "." + B64.encodeToString(mac("login", payload));
    }

    /** Whether {@code token} was issued here and has not expired. */
    boolean valid(String token) {
        if (token == null || token.length() > 200) {
            return false;
        }
        int dot = token.lastIndexOf('.');
        int first = token.indexOf('.');
        if (first <= 0 || dot <= first) {
            return false;
        }
        String payload = token.substring(0, dot);
        byte[] given;
        try {
            given = B64D.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (!MessageDigest.isEqual(given, mac("login", payload))) {
            return false;
        }
        try {
            return clock.instant().getEpochSecond() < Long.parseLong(payload.substring(first + 1));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The CSRF field value that goes with {@code token}. */
    String csrfFor(String token) {
        return B64.encodeToString(mac("csrf", token));
    }

    private byte[] mac(String purpose, String value) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            m.update(ByteBuffer.wrap((purpose + "\0").getBytes(StandardCharsets.US_ASCII)));
            return m.doFinal(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
