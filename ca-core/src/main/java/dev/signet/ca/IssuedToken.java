package dev.signet.ca;

/**
 * A newly created token: the stored record and the secret, which exists only here and is shown to
 * its owner once. {@code toString} leaves the secret out.
 */
public record IssuedToken(ApiToken token, String secret) {

    @Override
    public String toString() {
        return "IssuedToken[" + token + ", secret=<hidden>]";
    }
}
