package dev.signet.web.ui;

import dev.signet.ca.IssuedCertificate;
import java.util.List;
import java.util.Map;

/** One certificate in a list: enough to recognise it and to link to its page. */
public record CertificateRow(String caId, String caName, String serial, String subject, List<String> subjectAltNames,
                             String profile, String notBefore, String notAfter, String status) {

    static CertificateRow of(IssuedCertificate c, Map<String, String> caNames) {
        return new CertificateRow(c.caId(), caNames.getOrDefault(c.caId(), c.caId()), c.serial(), c.subject(),
                c.subjectAltNames(), c.profile(), Format.time(c.notBefore()), Format.time(c.notAfter()), c.status());
    }

    public String link() {
        return "/ui/certificates/" + caId + "/" + serial;
    }
}
