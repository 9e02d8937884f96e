package dev.signet.hsm.pkcs11;

import dev.signet.hsm.HsmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.xipki.pkcs11.wrapper.PKCS11Constants;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.StaticLogger;

/**
 * The PKCS#11 libraries this JVM has loaded, one initialised module per library file.
 *
 * <p>This is process-wide state on purpose: a PKCS#11 library is initialised once per process
 * ({@code C_Initialize} a second time fails) and its login state is shared by every session the
 * process opens. Two {@link Pkcs11Hsm}s on the same library must therefore share one module. A
 * module is never finalised: {@code C_Finalize} would pull the library from under any other
 * {@code Pkcs11Hsm} still using it; the operating system releases it when the process exits. The
 * map also keeps the module strongly reachable, since the wrapper unloads the native library when
 * its module object is garbage-collected.
 */
final class Pkcs11Libraries {

    private static final Map<Path, PKCS11Module> LOADED = new HashMap<>();

    private Pkcs11Libraries() {
    }

    /** The initialised module for {@code library}, loading it on first use. */
    static synchronized PKCS11Module module(Path library) {
        Path key;
        try {
            key = library.toRealPath();
        } catch (IOException e) {
            throw new HsmException.BackendFailure("PKCS#11 library " + library + " does not exist", e);
        }
        PKCS11Module module = LOADED.get(key);
        if (module != null) {
            return module;
        }
        if (!Files.isRegularFile(key) || !Files.isReadable(key)) {
            throw new HsmException.BackendFailure("PKCS#11 library " + library + " is not a readable file", null);
        }
        // The wrapper logs to stdout unless told otherwise.
        StaticLogger.setLogger(new WrapperLogger());
        try {
            module = PKCS11Module.getInstance(key.toString());
        } catch (IOException | UnsatisfiedLinkError e) {
            throw new HsmException.BackendFailure("cannot load PKCS#11 library " + library + ": " + e.getMessage(), e);
        }
        try {
            module.initialize();
        } catch (PKCS11Exception e) {
            // Another component of this process (e.g. SunPKCS11) may have initialised it already.
            if (e.getErrorCode() != PKCS11Constants.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
                throw new HsmException.BackendFailure(
                        "cannot initialise PKCS#11 library " + library + ": " + e.getErrorName(), e);
            }
        }
        LOADED.put(key, module);
        return module;
    }
}
