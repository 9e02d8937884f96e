package dev.signet.ca.issue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM (RFC 7468) text for certificates and CSRs, written and read strictly. */
public final class Pem {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");

    private Pem() {
    }

    public static String encode(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    public static String certificate(byte[] der) {
        return encode("CERTIFICATE", der);
    }

    /** Every block with one of {@code labels}, in order; text between blocks is ignored. */
    public static List<byte[]> decodeAll(String text, String... labels) {
        List<byte[]> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            for (String label : labels) {
                if (label.equals(m.group(1))) {
                    try {
                        out.add(Base64.getMimeDecoder().decode(m.group(2)));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("bad base64 in a " + label + " block");
                    }
                }
            }
        }
        return out;
    }

    /** True if the bytes look like PEM text rather than DER. */
    public static boolean looksLikePem(byte[] input) {
        String head = new String(input, 0, Math.min(input.length, 512), StandardCharsets.US_ASCII);
        return head.contains("-----BEGIN ");
    }
}
