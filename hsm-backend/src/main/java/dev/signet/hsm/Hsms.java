package dev.signet.hsm;

import dev.signet.hsm.pkcs11.Pkcs11Hsm;
import dev.signet.hsm.software.SoftwareHsm;
import java.util.List;

/** Opens the backend a configuration describes. The configuration is passed in; nothing is global. */
public final class Hsms {

    private Hsms() {
    }

    /**
     * Opens a backend. The caller owns it and must close it.
     *
     * @throws HsmException if the backend cannot be opened (wrong passphrase or PIN, missing
     *     library, unusable directory)
     */
    public static Hsm open(HsmConfig config) {
        if (config instanceof HsmConfig.Software s) {
            return SoftwareHsm.open(s.directory(), s.passphrase());
        }
        if (config instanceof HsmConfig.Pkcs11 p) {
            return Pkcs11Hsm.open(p);
        }
        throw new IllegalArgumentException("unknown HSM configuration " + config);
    }

    /**
     * The files of a software backend's directory that hold its keys, relative to that directory:
     * what a backup must copy (sealed, so a copy without the passphrase unseals nothing). Empty for
     * a directory that was never opened.
     */
    public static List<String> softwareStateFiles(HsmConfig.Software config) {
        return SoftwareHsm.stateFiles(config.directory());
    }

    /**
     * Changes a software backend's passphrase from the configuration's to {@code next}, offline:
     * refused while any process (a running server) has the directory open, and with the wrong
     * current passphrase, in both cases without changing anything. Returns the number of keys
     * re-sealed. See {@link SoftwareHsm#changePassphrase}.
     */
    public static int changeSoftwarePassphrase(HsmConfig.Software config, SecretSource next) {
        return SoftwareHsm.changePassphrase(config.directory(), config.passphrase(), next);
    }
}
