package dev.signet.hsm.pkcs11;

import dev.signet.hsm.Hsm;
import dev.signet.hsm.HsmConformanceTest;
import dev.signet.hsm.Hsms;
import dev.signet.hsm.KeyInfo;

/**
 * The conformance suite against SoftHSM2, opened through {@link Hsms#open} as the program does.
 * The suite wants an empty backend per test; a token cannot be re-created while the library is
 * loaded, so each test starts by destroying every key on the suite's own token.
 */
class Pkcs11HsmConformanceTest extends HsmConformanceTest {

    @Override
    protected Hsm newBackend() {
        Hsm backend = Hsms.open(SoftHsm2TestToken.conformanceConfig());
        for (KeyInfo key : backend.list()) {
            backend.destroy(key.handle());
        }
        return backend;
    }

    @Override
    protected Hsm reopen(Hsm backend) {
        backend.close();
        return Hsms.open(SoftHsm2TestToken.conformanceConfig());
    }
}
