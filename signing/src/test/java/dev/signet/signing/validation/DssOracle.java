package dev.signet.signing.validation;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * EU DSS 6.4, offline, as the independent checker. DSS 6.4 parses /Contents with Bouncy Castle's
 * strict {@code CMSSignedData(byte[])}, which in Bouncy Castle 1.87 refuses the zero padding of every
 * PDF signature; so DSS runs here in a class loader of its own with the Bouncy Castle it was built
 * with (1.83, copied by the build into target/dss-bc), and {@link DssRunner} talks to it in JDK types.
 */
final class DssOracle {
    record Verdict(String field, String kind, String indication, String subIndication, String level, String messages) {
        String brief() {
            return kind + " " + indication + (subIndication == null ? "" : "/" + subIndication) + (level == null ? "" : " " + level);
        }
    }

    private static Method validate;

    private DssOracle() {}

    static synchronized Method runner() throws Exception {
        if (validate == null) {
            List<URL> urls = new ArrayList<>();
            ClassLoader mine = DssOracle.class.getClassLoader();
            if (System.getProperty("surefire.test.class.path") == null && mine instanceof URLClassLoader u) {
                // exec:java (the benchmark) runs the test classpath in a URLClassLoader of its own
                for (URL url : u.getURLs()) if (!url.toString().contains("bouncycastle")) urls.add(url);
            } else {
                String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
                for (String entry : cp.split(File.pathSeparator)) {
                    if (!entry.contains("bouncycastle")) urls.add(Path.of(entry).toUri().toURL());
                }
            }
            Path bc = Path.of(System.getProperty("signet.dss.bouncycastle", "signing/target/dss-bc"));
            if (!Files.isDirectory(bc)) bc = Path.of("target/dss-bc");
            try (var jars = Files.list(bc)) {
                for (Path jar : jars.toList()) urls.add(jar.toUri().toURL());
            }
            ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
            validate = loader.loadClass(DssRunner.class.getName()).getMethod("validate", String.class, byte[][].class, Long.class);
        }
        return validate;
    }

    /** Runs a static method of a class in DSS's loader, with that loader as the context class loader. */
    static Object inDss(String className, String method, Class<?>[] types, Object... args) throws Exception {
        ClassLoader loader = runner().getDeclaringClass().getClassLoader();
        Method m = loader.loadClass(className).getMethod(method, types);
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            return m.invoke(null, args);
        } finally {
            t.setContextClassLoader(before);
        }
    }

    /** EU DSS signs {@code in} into {@code out} at a PAdES baseline level (PAdES-BASELINE-B ... -LTA). */
    static void sign(Path in, Path out, String level, TestPki.Issued signer, X509Certificate root, TestPki.Issued tsa,
            java.security.cert.X509CRL crl) throws Exception {
        inDss(DssSigner.class.getName(), "sign",
                new Class<?>[] {String.class, String.class, String.class, byte[].class, byte[][].class, byte[].class, byte[].class, byte[].class},
                in.toString(), out.toString(), level, signer.key().getEncoded(),
                new byte[][] {signer.certificate().getEncoded(), root.getEncoded()},
                tsa.key().getEncoded(), tsa.certificate().getEncoded(), crl.getEncoded());
    }

    static List<Verdict> validate(Path pdf, List<X509Certificate> anchors, Date at) {
        try {
            byte[][] ders = new byte[anchors.size()][];
            for (int i = 0; i < ders.length; i++) ders[i] = anchors.get(i).getEncoded();
            Method m = runner();
            Thread t = Thread.currentThread();
            ClassLoader before = t.getContextClassLoader();
            String[] lines;
            t.setContextClassLoader(m.getDeclaringClass().getClassLoader()); // DSS finds its parts with ServiceLoader
            try {
                lines = (String[]) m.invoke(null, pdf.toString(), ders, at == null ? null : at.getTime());
            } finally {
                t.setContextClassLoader(before);
            }
            List<Verdict> out = new ArrayList<>();
            for (String l : lines) {
                String[] f = l.split("\\|", -1);
                out.add(new Verdict(f[0], f[1], f[2], "null".equals(f[3]) ? null : f[3], "null".equals(f[4]) ? null : f[4], f[5]));
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("DSS failed on " + pdf, e);
        }
    }
}
