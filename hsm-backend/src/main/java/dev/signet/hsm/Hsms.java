package dev.signet.hsm;

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
            throw new HsmException.Unsupported("the pkcs11 backend is not in this build (token '" + p.tokenLabel() + "')");
        }
        throw new IllegalArgumentException("unknown HSM configuration " + config);
    }
}
