package dev.signet.hsm;

import dev.signet.hsm.pkcs11.Pkcs11Hsm;
import dev.signet.hsm.software.SoftwareHsm;

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
}
