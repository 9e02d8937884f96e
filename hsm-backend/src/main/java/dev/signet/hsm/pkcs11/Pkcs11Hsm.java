package dev.signet.hsm.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_DECRYPT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EC_PARAMS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EC_POINT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ENCRYPT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_KEY_TYPE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_LABEL;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_MODULUS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_PUBLIC_EXPONENT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SIGN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VALUE_LEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_AES;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_EC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_EC_EDWARDS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_RSA;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_GCM;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_DATA;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PUBLIC_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_ENCRYPTED_DATA_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_ENCRYPTED_DATA_LEN_RANGE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_FUNCTION_FAILED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_GENERAL_ERROR;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_KEY_FUNCTION_NOT_PERMITTED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_KEY_HANDLE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_OBJECT_HANDLE_INVALID;

import dev.signet.hsm.HandleIssuer;
import dev.signet.hsm.Hsm;
import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.HsmException;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyHandle;
import dev.signet.hsm.KeyInfo;
import dev.signet.hsm.KeyOperation;
import dev.signet.hsm.KeyPolicy;
import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.SignatureAlgorithm;
import dev.signet.hsm.SignedObject;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Slot;
import org.xipki.pkcs11.wrapper.Token;
import org.xipki.pkcs11.wrapper.TokenInfo;
import org.xipki.pkcs11.wrapper.params.GCM_PARAMS;

/**
 * The key boundary over any PKCS#11 token (SoftHSM2, AWS CloudHSM, YubiHSM, Luna, ...), through a
 * direct PKCS#11 wrapper rather than SunPKCS11, which has no Ed25519 in JDK 17 and cannot list
 * private keys that have no certificate.
 *
 * <p>Keys are token objects found by CKA_LABEL, which carries the key's purpose
 * ({@code PURPOSE:label}, see {@link KeyTemplates}); private and secret keys are sensitive and never
 * extractable (see {@link KeyTemplates}). What a key is (algorithm, policy, creation time) is read
 * back from its attributes, so keys made by an earlier run are found again. Object handles are
 * cached per label, as PKCS#11 keeps them valid for the life of the process; a key destroyed by
 * another process is noticed at its next use (KeyNotFound).
 *
 * <p>PKCS#11 login belongs to the process and the token: two {@code Pkcs11Hsm}s on the same token
 * in one process share it, and the second one's PIN is not checked again by the token.
 */
public final class Pkcs11Hsm implements Hsm {

    public static final String BACKEND = "pkcs11";

    private static final Logger LOG = LoggerFactory.getLogger(Pkcs11Hsm.class);
    private static final int GCM_NONCE_BYTES = 12;
    private static final int GCM_TAG_BYTES = 16;

    private final String tokenLabel;
    /** Shared by the instances of this process (handles stay good across a reopen); see {@link HandleIssuer}. */
    private static final HandleIssuer handles = new HandleIssuer(BACKEND);
    private final SessionPool sessions;
    private final ConcurrentMap<String, TokenKey> keys = new ConcurrentHashMap<>();
    /** Makes "is the label free? then generate" one step for this instance. */
    private final Object generateLock = new Object();
    private final SecureRandom random = new SecureRandom();

    private Pkcs11Hsm(String tokenLabel, SessionPool sessions) {
        this.tokenLabel = tokenLabel;
        this.sessions = sessions;
    }

    /**
     * Loads the library (once per process), finds the token by its label and logs in with the PIN
     * from the configured source.
     *
     * @throws HsmException.BackendFailure if the library cannot be loaded, no token or more than
     *     one token has that label, or the login fails; the message never contains the PIN
     */
    public static Pkcs11Hsm open(HsmConfig.Pkcs11 config) {
        PKCS11Module module = Pkcs11Libraries.module(config.library());
        Token token = findToken(module, config);
        SessionPool pool = new SessionPool(token, config.tokenLabel(), config.pin(), config.sessions());
        LOG.info("PKCS#11 backend open: library {}, token '{}', up to {} sessions",
                config.library(), config.tokenLabel(), config.sessions());
        return new Pkcs11Hsm(config.tokenLabel(), pool);
    }

    private static Token findToken(PKCS11Module module, HsmConfig.Pkcs11 config) {
        List<Token> matches = new ArrayList<>();
        List<String> present = new ArrayList<>();
        try {
            for (Slot slot : module.getSlotList(true)) {
                Token token = slot.getToken();
                TokenInfo info = token.getTokenInfo();
                if (!info.isTokenInitialized()) {
                    continue;
                }
                String label = info.getLabel() == null ? "" : info.getLabel().strip();
                present.add("'" + label + "'");
                if (label.equals(config.tokenLabel())) {
                    matches.add(token);
                }
            }
        } catch (PKCS11Exception e) {
            throw new HsmException.BackendFailure("cannot list the tokens of PKCS#11 library "
                    + config.library() + ": " + e.getErrorName(), e);
        }
        if (matches.isEmpty()) {
            throw new HsmException.BackendFailure("no token labelled '" + config.tokenLabel() + "' in PKCS#11 library "
                    + config.library() + " (tokens present: " + (present.isEmpty() ? "none" : String.join(", ", present)) + ")",
                    null);
        }
        if (matches.size() > 1) {
            throw new HsmException.BackendFailure(matches.size() + " tokens are labelled '" + config.tokenLabel()
                    + "' in PKCS#11 library " + config.library() + "; token labels must be unique", null);
        }
        return matches.get(0);
    }

    @Override
    public String backendName() {
        return BACKEND;
    }

    @Override
    public KeyHandle generate(String label, KeyAlgorithm algorithm, KeyPurpose purpose) {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(purpose, "purpose");
        checkLabel(label);
        purpose.checkFits(algorithm);
        KeyPolicy policy = purpose.policy();
        String objectLabel = KeyTemplates.tokenLabel(label, purpose);
        synchronized (generateLock) {
            if (labelTaken(label)) {
                throw new HsmException.DuplicateLabel(label);
            }
            Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            byte[] random8 = new byte[8];
            random.nextBytes(random8);
            byte[] id = KeyTemplates.newId(created, random8);
            Mechanism mechanism = KeyTemplates.generationMechanism(algorithm);
            try {
                sessions.call(session -> {
                    if (algorithm.isSymmetric()) {
                        session.generateKey(mechanism, KeyTemplates.secretKey(algorithm, objectLabel, id, policy));
                    } else {
                        session.generateKeyPair(mechanism, KeyTemplates.keyPair(algorithm, objectLabel, id, policy));
                    }
                    return null;
                });
            } catch (PKCS11Exception e) {
                throw new HsmException.BackendFailure("generating " + algorithm + " key '" + label + "' on token '"
                        + tokenLabel + "' failed: " + e.getErrorName(), e);
            }
            LOG.info("generated {} key '{}' ({}) on token '{}' allowing {}", algorithm, label, purpose, tokenLabel, policy.allowed());
        }
        return lookup(label).orElseThrow(() -> new HsmException.BackendFailure(
                "key '" + label + "' was generated but cannot be read back from token '" + tokenLabel + "'", null)).handle();
    }

    @Override
    public Optional<KeyHandle> find(String label) {
        Objects.requireNonNull(label, "label");
        return lookup(label).map(TokenKey::handle);
    }

    @Override
    public List<KeyInfo> list() {
        TreeSet<String> labels;
        try {
            labels = sessions.call(session -> {
                TreeSet<String> found = new TreeSet<>();
                for (long keyClass : new long[] {CKO_PRIVATE_KEY, CKO_SECRET_KEY}) {
                    for (long object : session.findAllObjectsSingle(new AttributeVector().class_(keyClass))) {
                        String label = session.getAttrValues(object, CKA_LABEL).label();
                        if (label != null && !label.isEmpty()) {
                            found.add(KeyTemplates.signetLabel(label));
                        }
                    }
                }
                return found;
            });
        } catch (PKCS11Exception e) {
            throw new HsmException.BackendFailure("listing the keys on token '" + tokenLabel + "' failed: "
                    + e.getErrorName(), e);
        }
        List<KeyInfo> infos = new ArrayList<>();
        for (String label : labels) {
            lookup(label).ifPresent(key -> infos.add(key.info()));
        }
        infos.sort(Comparator.comparing(KeyInfo::label));
        return infos;
    }

    @Override
    public PublicKey publicKey(KeyHandle key) {
        TokenKey k = resolve(key);
        if (k.publicKey() == null) {
            throw new HsmException.AlgorithmMismatch("key '" + k.label() + "' is a " + k.algorithm()
                    + " secret key; it has no public key");
        }
        return k.publicKey();
    }

    @Override
    public byte[] sign(KeyHandle key, SignedObject what, SignatureAlgorithm algorithm, byte[] data) {
        Objects.requireNonNull(data, "data");
        TokenKey k = signingKey(key, what, algorithm);
        if (algorithm.keyFamily() == KeyAlgorithm.Family.EC) {
            // PKCS#11 ECDSA signs a digest; hashing here keeps the mechanism the same on every token.
            byte[] raw = tokenSign(k, SignatureMechanisms.forMessage(algorithm), digest(algorithm, data));
            return SignatureMechanisms.ecdsaToDer(raw);
        }
        return tokenSign(k, SignatureMechanisms.forMessage(algorithm), data);
    }

    @Override
    public byte[] signDigest(KeyHandle key, SignedObject what, SignatureAlgorithm algorithm, byte[] digest) {
        TokenKey k = signingKey(key, what, algorithm);
        Mechanism mechanism = SignatureMechanisms.forDigest(algorithm);
        byte[] signature = tokenSign(k, mechanism, SignatureMechanisms.digestInput(algorithm, digest));
        return algorithm.keyFamily() == KeyAlgorithm.Family.EC ? SignatureMechanisms.ecdsaToDer(signature) : signature;
    }

    @Override
    public byte[] encrypt(KeyHandle key, byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(plaintext, "plaintext");
        TokenKey k = sealingKey(key, KeyOperation.ENCRYPT);
        byte[] nonce = new byte[GCM_NONCE_BYTES];
        random.nextBytes(nonce);
        Mechanism gcm = gcm(nonce, associatedData);
        byte[] ciphertext;
        try {
            ciphertext = sessions.call(session -> {
                if (plaintext.length > 0) {
                    return session.encryptSingle(gcm, k.keyObject(), plaintext);
                }
                // C_Encrypt gets a null data pointer for empty input, which SoftHSM2 rejects.
                session.encryptInit(gcm, k.keyObject());
                return session.encryptFinal();
            });
        } catch (PKCS11Exception e) {
            throw failure("encryption", k, KeyOperation.ENCRYPT, e);
        }
        byte[] sealed = Arrays.copyOf(nonce, GCM_NONCE_BYTES + ciphertext.length);
        System.arraycopy(ciphertext, 0, sealed, GCM_NONCE_BYTES, ciphertext.length);
        return sealed;
    }

    @Override
    public byte[] decrypt(KeyHandle key, byte[] sealed, byte[] associatedData) {
        TokenKey k = sealingKey(key, KeyOperation.DECRYPT);
        if (sealed == null || sealed.length < GCM_NONCE_BYTES + GCM_TAG_BYTES) {
            throw new HsmException.DecryptionFailed(k.label());
        }
        Mechanism gcm = gcm(Arrays.copyOf(sealed, GCM_NONCE_BYTES), associatedData);
        byte[] ciphertext = Arrays.copyOfRange(sealed, GCM_NONCE_BYTES, sealed.length);
        AtomicBoolean initialised = new AtomicBoolean();
        try {
            return sessions.call(session -> {
                session.decryptInit(gcm, k.keyObject());
                initialised.set(true);
                return session.decrypt(ciphertext);
            });
        } catch (PKCS11Exception e) {
            // Once the key and parameters were accepted, a failing C_Decrypt means the tag did not
            // verify. Tokens differ in how they say so: SoftHSM2 returns CKR_GENERAL_ERROR.
            long code = e.getErrorCode();
            if (initialised.get() && (code == CKR_ENCRYPTED_DATA_INVALID || code == CKR_ENCRYPTED_DATA_LEN_RANGE
                    || code == CKR_GENERAL_ERROR || code == CKR_FUNCTION_FAILED)) {
                throw new HsmException.DecryptionFailed(k.label());
            }
            throw failure("decryption", k, KeyOperation.DECRYPT, e);
        }
    }

    @Override
    public void destroy(KeyHandle key) {
        TokenKey k = resolve(key);
        try {
            sessions.call(session -> {
                session.destroyObject(k.keyObject());
                if (k.publicObject() >= 0) {
                    session.destroyObject(k.publicObject());
                }
                if (k.purposeObject() >= 0) {
                    session.destroyObject(k.purposeObject());
                }
                return null;
            });
        } catch (PKCS11Exception e) {
            throw failure("destroying", k, null, e);
        } finally {
            keys.remove(k.label());
        }
        LOG.info("destroyed key '{}' on token '{}'", k.label(), tokenLabel);
    }

    @Override
    public KeyHandle assignPurpose(String label, KeyPurpose purpose) {
        Objects.requireNonNull(purpose, "purpose");
        synchronized (generateLock) {
            TokenKey k = lookup(label).orElseThrow(() -> new HsmException.KeyNotFound(label));
            KeyPurpose current = k.handle().purpose();
            if (current == purpose) {
                return k.handle();
            }
            if (current != null) {
                throw new HsmException.PurposeMismatch(label, current, "the purpose " + purpose + " (purposes never change)");
            }
            purpose.checkFits(k.algorithm());
            // The key object is unmodifiable (CKA_MODIFIABLE false), so its label cannot change:
            // the purpose goes into an unmodifiable data object beside it.
            try {
                sessions.call(session -> session.createObject(KeyTemplates.purposeMarker(label, purpose)));
            } catch (PKCS11Exception e) {
                throw new HsmException.BackendFailure("recording the purpose of key '" + label + "' on token '"
                        + tokenLabel + "' failed: " + e.getErrorName(), e);
            }
            keys.remove(label);
            LOG.info("key '{}' on token '{}' upgraded: purpose {}", label, tokenLabel, purpose);
        }
        return lookup(label).orElseThrow(() -> new HsmException.KeyNotFound(label)).handle();
    }

    @Override
    public void close() {
        sessions.close();
        keys.clear();
    }

    /** Sessions opened so far; the pool reuses them, so this stays within the configured bound. */
    int sessionsOpened() {
        return sessions.opened();
    }

    @Override
    public String toString() {
        return "Pkcs11Hsm[token=" + tokenLabel + "]";
    }

    // ---- key lookup -------------------------------------------------------------------------

    private static void checkLabel(String label) {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("a key label must not be empty");
        }
        if (KeyTemplates.purposeOf(label) != null) {
            // It would read back as a purpose prefix (see KeyTemplates).
            throw new IllegalArgumentException("a key label must not start with a purpose and ':' ('" + label + "')");
        }
    }

    /** The key a handle names, checking the handle's algorithm against the token's. */
    private TokenKey resolve(KeyHandle handle) {
        handles.check(handle);
        TokenKey k = lookup(handle.label()).orElseThrow(() -> new HsmException.KeyNotFound(handle.label()));
        if (k.algorithm() != handle.algorithm()) {
            throw new HsmException.AlgorithmMismatch("the handle says key '" + handle.label() + "' is "
                    + handle.algorithm() + " but the token holds a " + k.algorithm() + " key");
        }
        return k;
    }

    private TokenKey signingKey(KeyHandle handle, SignedObject what, SignatureAlgorithm algorithm) {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(what, "what");
        TokenKey k = resolve(handle);
        // Against the purpose read from the token (the key's label), not the caller's handle.
        KeyPurpose purpose = k.handle().purpose();
        if (purpose == null || !purpose.permits(what)) {
            throw new HsmException.PurposeMismatch(k.label(), purpose, what.name());
        }
        if (!algorithm.fits(k.algorithm())) {
            throw new HsmException.AlgorithmMismatch(algorithm + " does not fit key '" + k.label() + "' ("
                    + k.algorithm() + ")");
        }
        if (!k.policy().allows(KeyOperation.SIGN)) {
            throw new HsmException.OperationNotPermitted(k.label(), KeyOperation.SIGN);
        }
        return k;
    }

    private TokenKey sealingKey(KeyHandle handle, KeyOperation op) {
        TokenKey k = resolve(handle);
        if (k.handle().purpose() != KeyPurpose.DATA_ENCRYPTION) {
            throw new HsmException.PurposeMismatch(k.label(), k.handle().purpose(), op == KeyOperation.ENCRYPT ? "encryption" : "decryption");
        }
        if (k.algorithm() != KeyAlgorithm.AES_256) {
            throw new HsmException.AlgorithmMismatch("AES-GCM " + op + " does not fit key '" + k.label() + "' ("
                    + k.algorithm() + ")");
        }
        if (!k.policy().allows(op)) {
            throw new HsmException.OperationNotPermitted(k.label(), op);
        }
        return k;
    }

    private Optional<TokenKey> lookup(String label) {
        TokenKey cached = keys.get(label);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<TokenKey> read;
        try {
            read = sessions.call(session -> readKey(session, label));
        } catch (PKCS11Exception e) {
            throw new HsmException.BackendFailure("reading key '" + label + "' from token '" + tokenLabel
                    + "' failed: " + e.getErrorName(), e);
        }
        read.ifPresent(k -> keys.put(label, k));
        return read;
    }

    /** Any object at all with this label (a key, a stray public key, a certificate) blocks it. */
    private boolean labelTaken(String label) {
        if (keys.containsKey(label)) {
            return true;
        }
        try {
            return sessions.call(session -> {
                if (session.findObjectsSingle(new AttributeVector().label(label), 1).length > 0) {
                    return true;
                }
                for (KeyPurpose p : KeyPurpose.values()) {
                    if (session.findObjectsSingle(new AttributeVector().label(KeyTemplates.tokenLabel(label, p)), 1).length > 0) {
                        return true;
                    }
                }
                return false;
            });
        } catch (PKCS11Exception e) {
            throw new HsmException.BackendFailure("searching token '" + tokenLabel + "' for label '" + label
                    + "' failed: " + e.getErrorName(), e);
        }
    }

    /**
     * Reads a key from its attributes. A key Signet cannot use (a curve or size it does not offer,
     * a key that allows none of its operations, a key pair without its public object) is reported
     * as absent, and logged.
     */
    private Optional<TokenKey> readKey(Session session, String label) throws PKCS11Exception {
        long keyClass = CKO_PRIVATE_KEY;
        KeyPurpose purpose = null;
        String objectLabel = label;
        long purposeObject = -1;
        long[] found = new long[0];
        for (KeyPurpose p : KeyPurpose.values()) {
            long c = p.isSymmetric() ? CKO_SECRET_KEY : CKO_PRIVATE_KEY;
            found = session.findObjectsSingle(new AttributeVector().class_(c).label(KeyTemplates.tokenLabel(label, p)), 2);
            if (found.length > 0) {
                keyClass = c;
                purpose = p;
                objectLabel = KeyTemplates.tokenLabel(label, p);
                break;
            }
        }
        if (found.length == 0) {
            // A key made before purposes: bare label, purpose (if upgraded) in a data object.
            found = session.findObjectsSingle(new AttributeVector().class_(CKO_PRIVATE_KEY).label(label), 2);
            if (found.length == 0) {
                keyClass = CKO_SECRET_KEY;
                found = session.findObjectsSingle(new AttributeVector().class_(CKO_SECRET_KEY).label(label), 2);
            }
            if (found.length == 0) {
                return Optional.empty();
            }
            for (KeyPurpose p : KeyPurpose.values()) {
                long[] markers = session.findObjectsSingle(new AttributeVector().class_(CKO_DATA)
                        .label(KeyTemplates.tokenLabel(label, p)).application(KeyTemplates.PURPOSE_APPLICATION), 1);
                if (markers.length > 0) {
                    purpose = p;
                    purposeObject = markers[0];
                    break;
                }
            }
        }
        if (found.length > 1) {
            throw new HsmException.BackendFailure("token '" + tokenLabel + "' holds more than one key labelled '"
                    + label + "'", null);
        }
        long object = found[0];
        AttributeVector common = session.getAttrValues(object, CKA_KEY_TYPE, CKA_ID);
        long keyType = common.keyType();
        byte[] id = common.id();
        Instant created = KeyTemplates.createdFromId(id); // null for a key made by another tool

        if (keyClass == CKO_SECRET_KEY) {
            AttributeVector a = session.getAttrValues(object, CKA_ENCRYPT, CKA_DECRYPT, CKA_VALUE_LEN);
            if (keyType != CKK_AES || a.valueLen() == null || a.valueLen() != 32) {
                return unusable(label, "a secret key other than AES-256");
            }
            EnumSet<KeyOperation> ops = EnumSet.noneOf(KeyOperation.class);
            if (Boolean.TRUE.equals(a.encrypt())) {
                ops.add(KeyOperation.ENCRYPT);
            }
            if (Boolean.TRUE.equals(a.decrypt())) {
                ops.add(KeyOperation.DECRYPT);
            }
            if (ops.isEmpty()) {
                return unusable(label, "it allows neither encryption nor decryption");
            }
            return Optional.of(new TokenKey(handles.handle(label, KeyAlgorithm.AES_256, purpose),
                    new KeyPolicy(ops), created, object, -1, null, purposeObject));
        }

        if (!Boolean.TRUE.equals(session.getAttrValues(object, CKA_SIGN).sign())) {
            return unusable(label, "it does not allow signing");
        }
        AttributeVector publicTemplate = new AttributeVector().class_(CKO_PUBLIC_KEY).label(objectLabel);
        if (id != null) {
            publicTemplate.id(id);
        }
        long[] publics = session.findObjectsSingle(publicTemplate, 2);
        if (publics.length != 1) {
            return unusable(label, publics.length == 0 ? "its public key object is missing" : "it has several public key objects");
        }
        long publicObject = publics[0];

        KeyAlgorithm algorithm;
        PublicKey publicKey;
        if (keyType == CKK_RSA) {
            AttributeVector a = session.getAttrValues(publicObject, CKA_MODULUS, CKA_PUBLIC_EXPONENT);
            BigInteger modulus = a.modulus();
            algorithm = switch (modulus == null ? 0 : modulus.bitLength()) {
                case 2048 -> KeyAlgorithm.RSA_2048;
                case 3072 -> KeyAlgorithm.RSA_3072;
                case 4096 -> KeyAlgorithm.RSA_4096;
                default -> null;
            };
            if (algorithm == null) {
                return unusable(label, "an RSA key of a size Signet does not offer");
            }
            publicKey = PublicKeys.rsa(modulus, a.publicExponent());
        } else if (keyType == CKK_EC || keyType == CKK_EC_EDWARDS) {
            algorithm = Curves.algorithmOf(session.getAttrValues(object, CKA_EC_PARAMS).ecParams());
            if (algorithm == null || (algorithm == KeyAlgorithm.ED25519) != (keyType == CKK_EC_EDWARDS)) {
                return unusable(label, "an elliptic-curve key on a curve Signet does not offer");
            }
            byte[] point = session.getAttrValues(publicObject, CKA_EC_POINT, CKA_EC_PARAMS).ecPoint();
            publicKey = algorithm == KeyAlgorithm.ED25519 ? PublicKeys.ed25519(point) : PublicKeys.ec(algorithm, point);
        } else {
            return unusable(label, "a private key of a type Signet does not offer");
        }
        return Optional.of(new TokenKey(handles.handle(label, algorithm, purpose), KeyPolicy.signOnly(), created,
                object, publicObject, publicKey, purposeObject));
    }

    private Optional<TokenKey> unusable(String label, String why) {
        LOG.warn("ignoring key '{}' on token '{}': {}", label, tokenLabel, why);
        return Optional.empty();
    }

    // ---- operations ---------------------------------------------------------------------------

    private byte[] tokenSign(TokenKey k, Mechanism mechanism, byte[] input) {
        try {
            return sessions.call(session -> session.signSingle(mechanism, k.keyObject(), input));
        } catch (PKCS11Exception e) {
            throw failure("signing", k, KeyOperation.SIGN, e);
        }
    }

    private HsmException failure(String what, TokenKey k, KeyOperation op, PKCS11Exception e) {
        long code = e.getErrorCode();
        if (code == CKR_KEY_HANDLE_INVALID || code == CKR_OBJECT_HANDLE_INVALID) {
            keys.remove(k.label()); // destroyed behind our back, e.g. by another process
            return new HsmException.KeyNotFound(k.label());
        }
        if (code == CKR_KEY_FUNCTION_NOT_PERMITTED && op != null) {
            return new HsmException.OperationNotPermitted(k.label(), op);
        }
        return new HsmException.BackendFailure(what + " with key '" + k.label() + "' on token '" + tokenLabel
                + "' failed: " + e.getErrorName(), e);
    }

    private static Mechanism gcm(byte[] nonce, byte[] associatedData) {
        byte[] aad = associatedData == null ? new byte[0] : associatedData;
        return new Mechanism(CKM_AES_GCM, new GCM_PARAMS(nonce, aad, GCM_TAG_BYTES * 8));
    }

    private static byte[] digest(SignatureAlgorithm algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm.digestAlgorithm()).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new HsmException.Unsupported("digest " + algorithm.digestAlgorithm() + " is unavailable");
        }
    }
}
