package dev.signet.signing;

import dev.signet.hsm.KeyAlgorithm;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Peak heap while signing a large PDF (default 500 MB) at B-B and B-LTA: the document must never be
 * held in the heap. Run under a capped heap; Maven's own JVM runs it, so its use counts too:
 * MAVEN_OPTS=-Xmx512m mvn -B -ntp -pl signing -am test-compile exec:java@signing-bench
 * -Dexec.mainClass=dev.signet.signing.LargePdfHeapBenchmark [-Dexec.args=MEGABYTES]
 */
public final class LargePdfHeapBenchmark {

    public static void main(String[] args) throws Exception {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        Path dir = Files.createTempDirectory("signet-large-pdf");
        try {
            Path in = largePdf(dir.resolve("large.pdf"), megabytes);
            try (TestPki pki = TestPki.start(dir)) {
                SigningIdentity id = pki.identity("Large Signer", KeyAlgorithm.EC_P256);
                PdfSigner signer = new PdfSigner(pki.tsa(), pki.revocation(), Files.createDirectories(dir.resolve("work")),
                        Clock.systemUTC());
                for (PadesLevel level : List.of(PadesLevel.B_B, PadesLevel.B_LTA)) {
                    resetPeaks();
                    Path out = dir.resolve("signed-" + level.id() + ".pdf");
                    long t0 = System.nanoTime();
                    signer.sign(in, out, id, PdfSignOptions.at(level));
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    String qpdf = IndependentCheckers.qpdfErrors(out);
                    System.out.printf("%d MB at %s: %d ms, peak heap %d MB (max %d MB), qpdf %s%n", Files.size(in) >> 20,
                            level.id(), ms, peakHeap() >> 20, Runtime.getRuntime().maxMemory() >> 20,
                            qpdf.isEmpty() ? "ok" : qpdf);
                    Files.delete(out);
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** A one-page PDF carrying one large uncompressed stream (an unused form XObject). */
    static Path largePdf(Path file, int megabytes) throws Exception {
        long length = (long) megabytes << 20;
        List<Long> offsets = new ArrayList<>();
        try (OutputStream raw = Files.newOutputStream(file); CountingOut out = new CountingOut(new BufferedOutputStream(raw, 1 << 16))) {
            out.ascii("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
            String[] objs = {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Big 4 0 R >> >> >>"};
            for (int i = 0; i < objs.length; i++) {
                offsets.add(out.count);
                out.ascii((i + 1) + " 0 obj\n" + objs[i] + "\nendobj\n");
            }
            offsets.add(out.count);
            out.ascii("4 0 obj\n<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] /Length " + length + " >>\nstream\n");
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) ' ');
            for (long written = 0; written < length; written += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, length - written));
            }
            out.ascii("\nendstream\nendobj\n");
            long xref = out.count;
            StringBuilder sb = new StringBuilder("xref\n0 5\n0000000000 65535 f \n");
            for (long o : offsets) {
                sb.append(String.format("%010d 00000 n \n", o));
            }
            sb.append("trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n").append(xref).append("\n%%EOF\n");
            out.ascii(sb.toString());
        }
        return file;
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static final class CountingOut extends java.io.FilterOutputStream {
        long count;

        CountingOut(OutputStream out) {
            super(out);
        }

        void ascii(String s) throws java.io.IOException {
            write(s.getBytes(StandardCharsets.ISO_8859_1));
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            out.write(b);
            count++;
        }
    }
}
