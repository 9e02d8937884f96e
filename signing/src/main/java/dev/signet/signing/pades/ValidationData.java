package dev.signet.signing.pades;

import java.util.List;

/** What a DSS dictionary carries (DER each): certificates, OCSP responses, CRLs. */
public record ValidationData(List<byte[]> certificates, List<byte[]> ocspResponses, List<byte[]> crls) {

    public ValidationData {
        certificates = List.copyOf(certificates);
        ocspResponses = List.copyOf(ocspResponses);
        crls = List.copyOf(crls);
    }
}
