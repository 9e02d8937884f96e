package dev.signet.ca.issue;

import dev.signet.ca.CaException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x509.Certificate;

/** Reading and writing certificates as DER and PEM. */
public final class Certificates {

    private Certificates() {
    }

    public static Certificate parse(byte[] der) {
        try {
            return Certificate.getInstance(der);
        } catch (IllegalArgumentException e) {
            throw CaException.badRequest("certificate-unparseable", "not an X.509 certificate");
        }
    }

    /** Every CERTIFICATE block in {@code pem}, in order. */
    public static List<Certificate> parsePem(String pem) {
        List<Certificate> out = new ArrayList<>();
        try {
            for (byte[] der : Pem.decodeAll(pem == null ? "" : pem, "CERTIFICATE")) {
                out.add(parse(der));
            }
        } catch (IllegalArgumentException e) {
            throw CaException.badRequest("certificate-unparseable", "the certificate PEM is not valid base64");
        }
        return out;
    }

    public static byte[] der(Certificate c) {
        try {
            return c.getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(Certificate c) {
        return Pem.certificate(der(c));
    }

    public static String pem(List<Certificate> chain) {
        StringBuilder b = new StringBuilder();
        chain.forEach(c -> b.append(pem(c)));
        return b.toString();
    }
}
