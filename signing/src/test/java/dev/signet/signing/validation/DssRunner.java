package dev.signet.signing.validation;

import eu.europa.esig.dss.diagnostic.DiagnosticData;
import eu.europa.esig.dss.diagnostic.SignatureWrapper;
import eu.europa.esig.dss.diagnostic.TimestampWrapper;
import eu.europa.esig.dss.enumerations.SignatureLevel;
import eu.europa.esig.dss.model.FileDocument;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.simplereport.SimpleReport;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.validation.SignedDocumentValidator;
import eu.europa.esig.dss.validation.reports.Reports;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Runs inside {@link DssOracle}'s class loader (DSS with the Bouncy Castle it was built with), so it
 * takes and returns only JDK types.
 *
 * EU DSS 6.4 as the independent checker: offline (no AIA, CRL or OCSP loaders), one trust anchor,
 * its default validation policy. Returns one line per signature and document timestamp, keyed by
 * field name, in the same words as Signet's report.
 */
public final class DssRunner {
    private DssRunner() {}

    static SignedDocumentValidator validator(Path pdf, List<byte[]> anchors, Date at) {
        CommonCertificateVerifier cv = new CommonCertificateVerifier();
        cv.setAIASource(null);
        cv.setCrlSource(null);
        cv.setOcspSource(null);
        CommonTrustedCertificateSource trusted = new CommonTrustedCertificateSource();
        for (byte[] a : anchors) trusted.addCertificate(eu.europa.esig.dss.spi.DSSUtils.loadCertificate(a));
        cv.setTrustedCertSources(trusted);
        SignedDocumentValidator v = SignedDocumentValidator.fromDocument(new FileDocument(pdf.toFile()));
        v.setCertificateVerifier(cv);
        if (at != null) v.setValidationTime(at);
        return v;
    }

    /** One line per signature and document timestamp: field|kind|indication|subIndication|level|errors. */
    public static String[] validate(String pdf, byte[][] anchors, Long at) {
        Reports reports = validator(Path.of(pdf), List.of(anchors), at == null ? null : new Date(at)).validateDocument();
        SimpleReport sr = reports.getSimpleReport();
        DiagnosticData dd = reports.getDiagnosticData();
        List<String> out = new ArrayList<>();
        for (String id : sr.getSignatureIdList()) {
            SignatureWrapper s = dd.getSignatureById(id);
            String field = s.getPDFRevision() == null ? "?" : s.getPDFRevision().getSignatureFieldNames().get(0);
            SignatureLevel f = sr.getSignatureFormat(id);
            String level = f != null && f.name().startsWith("PAdES_BASELINE_") ? f.toString() : null;
            out.add(String.join("|", field, "signature", String.valueOf(sr.getIndication(id)),
                    String.valueOf(sr.getSubIndication(id)), String.valueOf(level), messages(sr, id)));
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<eu.europa.esig.dss.simplereport.jaxb.XmlTimestamp> timestamps = new ArrayList<>();
        for (String id : sr.getSignatureIdList()) timestamps.addAll(sr.getSignatureTimestamps(id));
        for (String id : sr.getTimestampIdList()) {
            TimestampWrapper t = dd.getTimestampById(id);
            out.add(timestampLine(t, String.valueOf(sr.getIndication(id)), String.valueOf(sr.getSubIndication(id)), messages(sr, id)));
            seen.add(id);
        }
        for (eu.europa.esig.dss.simplereport.jaxb.XmlTimestamp x : timestamps) {
            TimestampWrapper t = dd.getTimestampById(x.getId());
            // a document timestamp has a PDF revision of its own; a signature's own timestamp has none
            if (t == null || t.getPDFRevision() == null || !seen.add(x.getId())) continue;
            out.add(timestampLine(t, String.valueOf(x.getIndication()), String.valueOf(x.getSubIndication()), ""));
        }
        return out.toArray(new String[0]);
    }

    private static String timestampLine(TimestampWrapper t, String indication, String sub, String messages) {
        String field = t.getPDFRevision() == null ? "?" : t.getPDFRevision().getSignatureFieldNames().get(0);
        return String.join("|", field, "timestamp", indication, sub, "null", messages);
    }

    private static String messages(SimpleReport sr, String id) {
        StringBuilder b = new StringBuilder();
        sr.getAdESValidationErrors(id).forEach(m -> b.append("E:").append(m.getValue()).append("; "));
        sr.getAdESValidationWarnings(id).forEach(m -> b.append("W:").append(m.getValue()).append("; "));
        return b.toString().replace('|', '/');
    }
}
