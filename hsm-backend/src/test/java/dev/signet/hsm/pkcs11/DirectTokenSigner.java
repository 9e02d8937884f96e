package dev.signet.hsm.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_USER;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_USER_ALREADY_LOGGED_IN;

import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyPolicy;
import dev.signet.hsm.SignatureAlgorithm;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.xipki.pkcs11.wrapper.KeyPairTemplate;
import org.xipki.pkcs11.wrapper.PKCS11KeyPair;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Slot;
import org.xipki.pkcs11.wrapper.Token;

/**
 * The benchmark's baseline: the same token called directly through the wrapper, the way a careful
 * direct user would (one session per thread, the key's object handle kept, a single C_Sign per
 * signature, ECDSA over a digest hashed in Java as SoftHSM2 needs). No pool, no label lookup, no
 * policy checks, no DER conversion: exactly what the boundary adds is left out.
 */
public final class DirectTokenSigner implements AutoCloseable {

    /** One thread's signer. */
    public interface ThreadSigner {
        byte[] sign(byte[] data) throws Exception;
    }

    private final Token token;
    private final Session admin;
    private final List<Session> opened = new ArrayList<>();
    private final List<Long> generated = new ArrayList<>();

    public DirectTokenSigner(HsmConfig.Pkcs11 config) throws PKCS11Exception {
        Token found = null;
        for (Slot slot : Pkcs11Libraries.module(config.library()).getSlotList(true)) {
            if (slot.getToken().getTokenInfo().getLabel().strip().equals(config.tokenLabel())) {
                found = slot.getToken();
            }
        }
        if (found == null) {
            throw new IllegalStateException("no token labelled " + config.tokenLabel());
        }
        token = found;
        admin = token.openSession(true);
        try {
            admin.login(CKU_USER, config.pin().read());
        } catch (PKCS11Exception e) {
            if (e.getErrorCode() != CKR_USER_ALREADY_LOGGED_IN) {
                throw e;
            }
        }
    }

    /**
     * A key pair made with Signet's own template: a token object like the boundary's keys, since
     * SoftHSM2 checks a token object's file on every use and a session object would be faster
     * for reasons that have nothing to do with the boundary. Destroyed by {@link #close}.
     */
    public long generate(KeyAlgorithm algorithm, String label) throws PKCS11Exception {
        KeyPairTemplate template = KeyTemplates.keyPair(algorithm, label, new byte[20], KeyPolicy.signOnly());
        PKCS11KeyPair pair = admin.generateKeyPair(KeyTemplates.generationMechanism(algorithm), template);
        generated.add(pair.getPrivateKey());
        generated.add(pair.getPublicKey());
        return pair.getPrivateKey();
    }

    /** A signer on a session of its own. */
    public synchronized ThreadSigner forThread(long key, SignatureAlgorithm scheme) throws PKCS11Exception {
        Session session = token.openSession(true);
        opened.add(session);
        if (scheme.keyFamily() == KeyAlgorithm.Family.EC) {
            String digest = scheme.digestAlgorithm();
            return data -> session.signSingle(SignatureMechanisms.forMessage(scheme), key,
                    MessageDigest.getInstance(digest).digest(data));
        }
        return data -> session.signSingle(SignatureMechanisms.forMessage(scheme), key, data);
    }

    @Override
    public synchronized void close() throws PKCS11Exception {
        for (Session s : opened) {
            s.closeSession();
        }
        for (long object : generated) {
            admin.destroyObject(object);
        }
        admin.closeSession();
    }
}
