package dev.signet.web;

import java.util.Base64;

/** PEM text for DER objects (RFC 7468: 64-character lines). */
public final class Pem {

    private Pem() {}

    public static String certificate(byte[] der) {
        return encode("CERTIFICATE", der);
    }

    public static String encode(String label, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
    }
}
