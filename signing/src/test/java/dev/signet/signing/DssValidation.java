package dev.signet.signing;

import eu.europa.esig.dss.model.FileDocument;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.simplereport.SimpleReport;
import eu.europa.esig.dss.spi.DSSUtils;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.validation.SignedDocumentValidator;
import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * EU DSS's validation of one PDF, offline, with one trust anchor. Runs inside the class loader
 * {@link IndependentCheckers} makes (DSS with the Bouncy Castle it was built with), so it takes and
 * returns only JDK types.
 */
public final class DssValidation {

    private DssValidation() {
    }

    /** One line per signature and document time-stamp: {@code format|indication|subIndication|errors}. */
    public static String[] validate(String pdf, byte[] rootDer) {
        return report(SignedDocumentValidator.fromDocument(new FileDocument(new File(pdf))), rootDer);
    }

    /** As {@link #validate}, for a detached CMS signature ({@code .p7s}) over {@code content}. */
    public static String[] validateDetached(String signature, String content, byte[] rootDer) {
        SignedDocumentValidator validator = SignedDocumentValidator.fromDocument(new FileDocument(new File(signature)));
        validator.setDetachedContents(List.of(new FileDocument(new File(content))));
        return report(validator, rootDer);
    }

    private static String[] report(SignedDocumentValidator validator, byte[] rootDer) {
        CommonCertificateVerifier verifier = new CommonCertificateVerifier();
        CommonTrustedCertificateSource trusted = new CommonTrustedCertificateSource();
        CertificateToken root = DSSUtils.loadCertificate(rootDer);
        trusted.addCertificate(root);
        verifier.setTrustedCertSources(trusted);
        verifier.setAIASource(null);
        verifier.setOcspSource(null);
        verifier.setCrlSource(null);
        validator.setCertificateVerifier(verifier);
        SimpleReport report = validator.validateDocument().getSimpleReport();
        List<String> out = new ArrayList<>();
        for (String id : report.getSignatureIdList()) {
            out.add(report.getSignatureFormat(id) + "|" + report.getIndication(id) + "|" + report.getSubIndication(id)
                    + "|" + report.getAdESValidationErrors(id).stream().map(m -> m.getValue()).toList());
        }
        for (String id : report.getTimestampIdList()) {
            out.add("TIMESTAMP|" + report.getIndication(id) + "|" + report.getSubIndication(id)
                    + "|" + report.getAdESValidationErrors(id).stream().map(m -> m.getValue()).toList());
        }
        return out.toArray(new String[0]);
    }
}
