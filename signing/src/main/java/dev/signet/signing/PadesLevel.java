package dev.signet.signing;

import java.util.Arrays;

/** The PAdES baseline levels (ETSI EN 319 142-1), each including the ones before it. */
public enum PadesLevel {
    /** A CAdES-detached signature with the signing certificate bound in its signed attributes. */
    B_B("B-B"),
    /** B-B plus a signature time-stamp over the signature value. */
    B_T("B-T"),
    /** B-T plus the certificates and revocation data of every chain, in the document's DSS. */
    B_LT("B-LT"),
    /** B-LT plus a document time-stamp over the whole file, DSS included. */
    B_LTA("B-LTA");

    private final String id;

    PadesLevel(String id) {
        this.id = id;
    }

    /** The name used in the API: {@code B-B}, {@code B-T}, {@code B-LT}, {@code B-LTA}. */
    public String id() {
        return id;
    }

    public boolean atLeast(PadesLevel other) {
        return compareTo(other) >= 0;
    }

    /** @throws IllegalArgumentException for any other name */
    public static PadesLevel parse(String name) {
        for (PadesLevel l : values()) {
            if (l.id.equals(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown level '" + name + "'; expected one of "
                + Arrays.stream(values()).map(PadesLevel::id).toList());
    }
}
