package dev.signet.ca;

/** A CA waiting for an outside parent: its record (status pending) and the CSR to send that parent. */
public record ExternalCaRequest(CaInfo ca, String csrPem) {
}
