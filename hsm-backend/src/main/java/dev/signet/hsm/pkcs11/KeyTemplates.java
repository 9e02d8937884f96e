package dev.signet.hsm.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_AES;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_EC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_EC_EDWARDS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_RSA;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_EC_EDWARDS_KEY_PAIR_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_EC_KEY_PAIR_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS_KEY_PAIR_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_DATA;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PUBLIC_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;

import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyOperation;
import dev.signet.hsm.KeyPolicy;
import dev.signet.hsm.KeyPurpose;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.KeyPairTemplate;
import org.xipki.pkcs11.wrapper.Mechanism;

/**
 * The attribute templates Signet generates keys with. Every private and secret key is a token
 * object (survives the session), private (needs login), sensitive and never extractable; it may do
 * exactly what its policy allows and nothing else (no wrap, unwrap or derive).
 *
 * <p>CKA_ID is 20 bytes: the ASCII marker {@code SGN1}, the creation time in epoch milliseconds
 * (8 bytes, big-endian) and 8 random bytes. It links the key pair's two objects and records when
 * the key was made, to the millisecond, without a vendor attribute. (CKA_START_DATE would be the
 * standard place, but it holds only a day, and SoftHSM2 2.6 through the wrapper fails to read it
 * back with CKR_GENERAL_ERROR.)
 *
 * <p>The key's purpose is in its CKA_LABEL, which the token shows to any tool: {@code PURPOSE:label}
 * (for example {@code CA:ca-root-1a2b}, {@code AUDIT:signet-audit}), together with CKA_SIGN (signing
 * purposes) or CKA_ENCRYPT/CKA_DECRYPT ({@code DATA_ENCRYPTION}). Keys are not modifiable, so a key
 * made before purposes (its CKA_LABEL the bare label) gets its purpose from the upgrade as a
 * separate, equally unmodifiable data object labelled {@code PURPOSE:label} with CKA_APPLICATION
 * {@value #PURPOSE_APPLICATION}.
 */
final class KeyTemplates {

    static final BigInteger RSA_PUBLIC_EXPONENT = BigInteger.valueOf(65537);
    private static final byte[] ID_MARKER = "SGN1".getBytes(StandardCharsets.US_ASCII);

    /** CKA_APPLICATION of the data objects that give a key made before purposes its purpose. */
    static final String PURPOSE_APPLICATION = "signet key purpose";

    private KeyTemplates() {
    }

    /** The CKA_LABEL of a key of {@code purpose} whose Signet label is {@code label}. */
    static String tokenLabel(String label, KeyPurpose purpose) {
        return purpose.name() + ":" + label;
    }

    /** The purpose a CKA_LABEL names, or null for a bare (pre-purpose or foreign) label. */
    static KeyPurpose purposeOf(String tokenLabel) {
        int colon = tokenLabel.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String prefix = tokenLabel.substring(0, colon);
        for (KeyPurpose p : KeyPurpose.values()) {
            if (p.name().equals(prefix)) {
                return p;
            }
        }
        return null;
    }

    /** The Signet label in a CKA_LABEL (without its purpose prefix). */
    static String signetLabel(String tokenLabel) {
        KeyPurpose p = purposeOf(tokenLabel);
        return p == null ? tokenLabel : tokenLabel.substring(p.name().length() + 1);
    }

    /** The data object that records the purpose of a key made before purposes. */
    static AttributeVector purposeMarker(String label, KeyPurpose purpose) {
        return new AttributeVector()
                .class_(CKO_DATA).token(true).private_(true).modifiable(false)
                .label(tokenLabel(label, purpose)).application(PURPOSE_APPLICATION)
                .value(purpose.name().getBytes(StandardCharsets.US_ASCII));
    }

    static Mechanism generationMechanism(KeyAlgorithm algorithm) {
        return new Mechanism(switch (algorithm.family()) {
            case RSA -> CKM_RSA_PKCS_KEY_PAIR_GEN;
            case EC -> CKM_EC_KEY_PAIR_GEN;
            case EDDSA -> CKM_EC_EDWARDS_KEY_PAIR_GEN;
            case AES -> CKM_AES_KEY_GEN;
        });
    }

    static KeyPairTemplate keyPair(KeyAlgorithm algorithm, String label, byte[] id, KeyPolicy policy) {
        boolean sign = policy.allows(KeyOperation.SIGN);
        long keyType = switch (algorithm.family()) {
            case RSA -> CKK_RSA;
            case EC -> CKK_EC;
            case EDDSA -> CKK_EC_EDWARDS;
            case AES -> throw new IllegalArgumentException("AES keys are not key pairs");
        };
        AttributeVector publicKey = new AttributeVector()
                .class_(CKO_PUBLIC_KEY).keyType(keyType)
                .token(true).private_(false).modifiable(false)
                .label(label).id(id)
                .verify(sign).encrypt(false).wrap(false).derive(false);
        AttributeVector privateKey = new AttributeVector()
                .class_(CKO_PRIVATE_KEY).keyType(keyType)
                .token(true).private_(true).sensitive(true).extractable(false).modifiable(false)
                .label(label).id(id)
                .sign(sign).decrypt(false).unwrap(false).derive(false).signRecover(false);
        if (algorithm.family() == KeyAlgorithm.Family.RSA) {
            publicKey.modulusBits(algorithm.bits()).publicExponent(RSA_PUBLIC_EXPONENT);
        } else {
            publicKey.ecParams(Curves.ecParams(algorithm));
        }
        return new KeyPairTemplate(privateKey, publicKey);
    }

    static AttributeVector secretKey(KeyAlgorithm algorithm, String label, byte[] id, KeyPolicy policy) {
        if (algorithm != KeyAlgorithm.AES_256) {
            throw new IllegalArgumentException(algorithm + " is not a secret key");
        }
        return new AttributeVector()
                .class_(CKO_SECRET_KEY).keyType(CKK_AES).valueLen(algorithm.bits() / 8)
                .token(true).private_(true).sensitive(true).extractable(false).modifiable(false)
                .label(label).id(id)
                .encrypt(policy.allows(KeyOperation.ENCRYPT)).decrypt(policy.allows(KeyOperation.DECRYPT))
                .sign(false).verify(false).wrap(false).unwrap(false).derive(false);
    }

    /** A fresh CKA_ID recording {@code created}, as described above. */
    static byte[] newId(Instant created, byte[] random8) {
        byte[] id = Arrays.copyOf(ID_MARKER, 20);
        long millis = created.toEpochMilli();
        for (int i = 0; i < 8; i++) {
            id[4 + i] = (byte) (millis >>> (56 - 8 * i));
        }
        System.arraycopy(random8, 0, id, 12, 8);
        return id;
    }

    /** The creation time recorded in a CKA_ID made by {@link #newId}, or null for an ID of another form. */
    static Instant createdFromId(byte[] id) {
        if (id == null || id.length != 20 || !Arrays.equals(id, 0, 4, ID_MARKER, 0, 4)) {
            return null;
        }
        long millis = 0;
        for (int i = 0; i < 8; i++) {
            millis = (millis << 8) | (id[4 + i] & 0xff);
        }
        return Instant.ofEpochMilli(millis);
    }
}
