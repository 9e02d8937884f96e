package dev.signet.signing.validation;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.signing.Indication;
import dev.signet.signing.PdfSignatureValidator;
import dev.signet.signing.SignatureReport;
import dev.signet.signing.ValidationPolicy;
import dev.signet.signing.ValidationReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed and hostile PDFs get a report (most often "cannot be validated"), within the policy's time
 * bound, never an exception and never TOTAL_PASSED. Cases run as one table, failures collected.
 */
class HostileInputTest {
    @TempDir
    Path dir;

    record Hostile(String name, byte[] pdf) {}

    static byte[] pdf(String... objects) {
        StringBuilder b = new StringBuilder("%PDF-1.7\n");
        List<Integer> offsets = new ArrayList<>();
        for (String o : objects) {
            offsets.add(b.length());
            b.append(o).append('\n');
        }
        int xref = b.length();
        b.append("xref\n0 ").append(objects.length + 1).append("\n0000000000 65535 f \n");
        for (int off : offsets) b.append(String.format("%010d 00000 n \n", off));
        b.append("trailer\n<< /Size ").append(objects.length + 1).append(" /Root 1 0 R >>\nstartxref\n").append(xref).append("\n%%EOF\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] deflate(byte[] data, int repeat) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(9))) {
            for (int i = 0; i < repeat; i++) d.write(data);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    List<Hostile> cases() throws IOException {
        List<Hostile> out = new ArrayList<>();
        out.add(new Hostile("empty file", new byte[0]));
        out.add(new Hostile("not a PDF", "hello, world\n".repeat(1000).getBytes()));
        String deep = "[".repeat(200_000) + "]".repeat(200_000);
        out.add(new Hostile("arrays nested 200,000 deep", pdf("1 0 obj << /Type /Catalog /Pages 2 0 R /Deep " + deep + " >> endobj",
                "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj")));
        String deepDict = "<< /A ".repeat(100_000) + ">>".repeat(100_000);
        out.add(new Hostile("dictionaries nested 100,000 deep", pdf("1 0 obj << /Type /Catalog /Pages 2 0 R /AcroForm " + deepDict + " >> endobj",
                "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj")));
        // an xref whose /Prev points at itself
        byte[] base = pdf("1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj", "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj");
        String s = new String(base, StandardCharsets.ISO_8859_1);
        int xref = s.indexOf("xref\n");
        out.add(new Hostile("xref /Prev loop", s.replace("/Root 1 0 R >>", "/Root 1 0 R /Prev " + xref + " >>").getBytes(StandardCharsets.ISO_8859_1)));
        // 1 GiB of zeroes in 1 MiB of Flate, as a page content stream and as a DSS CRL
        byte[] bomb = deflate(new byte[1 << 20], 1024);
        String head = "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R /DSS << /CRLs [4 0 R] >> >> endobj\n"
                + "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
                + "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >> endobj\n"
                + "4 0 obj << /Length " + bomb.length + " /Filter /FlateDecode >>\nstream\n";
        out.add(new Hostile("decompression bomb (1 GiB of Flate)", concat(head.getBytes(StandardCharsets.ISO_8859_1), bomb,
                "\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".getBytes(StandardCharsets.ISO_8859_1))));
        // an object stream claiming ten million objects
        byte[] objstm = deflate("1 0 ".getBytes(), 1);
        String ostm = "%PDF-1.7\n5 0 obj << /Type /ObjStm /N 10000000 /First 4 /Length " + objstm.length + " /Filter /FlateDecode >>\nstream\n";
        out.add(new Hostile("object stream claiming 10,000,000 objects", concat(ostm.getBytes(StandardCharsets.ISO_8859_1), objstm,
                "\nendstream\nendobj\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
                        .getBytes(StandardCharsets.ISO_8859_1))));
        // a signature field whose value is a signature with absurd numbers
        out.add(new Hostile("signature with an absurd /ByteRange", pdf(
                "1 0 obj << /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [3 0 R] /SigFlags 3 >> >> endobj",
                "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj",
                "3 0 obj << /FT /Sig /T (S) /V << /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached"
                        + " /ByteRange [0 9223372036854775807 -5 99999999999] /Contents <3080> >> >> endobj")));
        return out;
    }

    @Test
    void hostile_pdfs_get_a_report_within_the_time_bound_and_never_pass() throws Exception {
        List<String> failures = new ArrayList<>();
        ValidationPolicy policy = new ValidationPolicy("hostile", List.of(), ValidationPolicy.DEFAULT_DIGESTS, 2048, 256, true, false, null,
                Duration.ofSeconds(20));
        try (PdfSignatureValidator v = new PdfSignatureValidator(policy)) {
            for (Hostile h : cases()) {
                Path f = Files.write(dir.resolve("hostile.pdf"), h.pdf());
                long start = System.nanoTime();
                try {
                    ValidationReport r = v.validate(f);
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    if (ms > 25_000) failures.add(h.name() + ": took " + ms + " ms");
                    for (SignatureReport s : r.signatures()) {
                        if (s.indication() == Indication.TOTAL_PASSED) failures.add(h.name() + ": TOTAL_PASSED");
                    }
                    System.out.println(h.name() + " -> " + (r.validatable() ? r.signatures().size() + " signatures" : r.problem()) + " in " + ms + " ms");
                } catch (RuntimeException | Error e) {
                    failures.add(h.name() + ": threw " + e);
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void a_validation_that_outlives_the_timeout_is_reported_as_not_validatable() throws Exception {
        ValidationPolicy quick = new ValidationPolicy("quick", List.of(), ValidationPolicy.DEFAULT_DIGESTS, 2048, 256, true, false, null,
                Duration.ofMillis(1));
        Path f = Files.write(dir.resolve("big.pdf"), TestPdfs.largeDocument(20 << 20));
        try (PdfSignatureValidator v = new PdfSignatureValidator(quick)) {
            ValidationReport r = v.validate(f);
            assertNotEquals(true, r.validatable());
            assertTrue(r.problem().contains("longer than"), r.problem());
        }
    }
}
