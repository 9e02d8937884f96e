package dev.signet.hsm.bench;

import dev.signet.hsm.Hsm;
import dev.signet.hsm.Hsms;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.SignatureAlgorithm;
import dev.signet.hsm.pkcs11.DirectTokenSigner;
import dev.signet.hsm.pkcs11.SoftHsm2TestToken;

/**
 * The pkcs11 backend on a fresh SoftHSM2 token, against the same token called directly through
 * the wrapper. SoftHSM2 reads SOFTHSM2_CONF from the environment, so run with it set, e.g.
 * {@code SOFTHSM2_CONF=$PWD/hsm-backend/target/softhsm2-bench/softhsm2.conf}; the file and the
 * token are created here. Two pooled sessions, one per benchmark thread.
 */
final class Pkcs11Bench implements BenchBackend {

    private final Hsm hsm;
    private final DirectTokenSigner direct;

    Pkcs11Bench() throws Exception {
        hsm = Hsms.open(SoftHsm2TestToken.config(2));
        direct = new DirectTokenSigner(SoftHsm2TestToken.config(2));
    }

    @Override
    public Hsm hsm() {
        return hsm;
    }

    @Override
    public String directProvider(KeyAlgorithm algorithm) {
        return "SoftHSM2 direct";
    }

    @Override
    public Baseline direct(KeyAlgorithm algorithm, SignatureAlgorithm scheme) throws Exception {
        long key = direct.generate(algorithm, "bench-direct-" + algorithm);
        return () -> {
            DirectTokenSigner.ThreadSigner signer = direct.forThread(key, scheme);
            return signer::sign;
        };
    }

    @Override
    public void close() throws Exception {
        direct.close();
        hsm.close();
    }
}
