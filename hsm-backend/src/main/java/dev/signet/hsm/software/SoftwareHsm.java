package dev.signet.hsm.software;

import dev.signet.hsm.HandleIssuer;
import dev.signet.hsm.Hsm;
import dev.signet.hsm.HsmException;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyHandle;
import dev.signet.hsm.KeyInfo;
import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.SecretSource;
import dev.signet.hsm.SignatureAlgorithm;
import dev.signet.hsm.SignedObject;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded software backend: each key sealed in its own file under a master key derived from a
 * passphrase (see {@link KeyDirectory}, {@link KeyFile}, {@link MasterKey}). All keys are unsealed
 * and verified when the backend opens and then held in memory, so signing costs what the provider
 * costs.
 *
 * <p>A key file that fails its integrity check does not stop the others from opening: the key is
 * reported by label in the log, and every use of its label ({@link #find}, {@link #sign}, ...)
 * throws {@link HsmException.KeyIntegrity} naming it. Its label stays taken until it is destroyed.
 *
 * <p>Only one backend at a time may have a directory open (a lock file enforces it).
 */
public final class SoftwareHsm implements Hsm {

    public static final String BACKEND_NAME = "software";
    private static final Logger LOG = LoggerFactory.getLogger(SoftwareHsm.class);

    private final KeyDirectory directory;
    private final MasterKey master;
    private final SecureRandom random;
    /**
     * One issuer for every instance in this process, so that a handle stays good across a close and
     * reopen of the same directory; code outside the backend still cannot make one.
     */
    private static final HandleIssuer handles = new HandleIssuer(BACKEND_NAME);
    private final Map<String, SoftwareKey> keys = new ConcurrentHashMap<>();
    private final Map<String, String> broken = new ConcurrentHashMap<>();
    /** Serialises changes to the set of labels (generate, destroy); signing never takes it. */
    private final Object labelsLock = new Object();
    private volatile boolean closed;

    private SoftwareHsm(KeyDirectory directory, MasterKey master, SecureRandom random) {
        this.directory = directory;
        this.master = master;
        this.random = random;
    }

    /**
     * Opens the backend in {@code directory}, creating and initialising it if it does not exist or
     * is empty. The passphrase is read from {@code passphrase} once, used to derive the master key
     * and cleared.
     *
     * @throws HsmException.KeyIntegrity if the passphrase is wrong
     * @throws HsmException.BackendFailure if the directory cannot be used
     */
    public static SoftwareHsm open(Path directory, SecretSource passphrase) {
        return open(directory, passphrase, MasterKey.KdfParams.DEFAULT);
    }

    /**
     * The files in {@code directory} that hold the backend's state (relative, '/'-separated): what a
     * backup copies. They are ciphertext and KDF parameters; reading them needs no passphrase and
     * works while another process has the backend open.
     */
    public static List<String> stateFiles(Path directory) {
        try {
            return KeyDirectory.stateFiles(directory.toAbsolutePath());
        } catch (IOException e) {
            throw new HsmException.BackendFailure("cannot list the key directory " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Changes the passphrase of the store in {@code directory}: every key is re-sealed under a key
     * derived from {@code next} and the metadata switched in one atomic rename, so an interruption
     * at any point leaves a store that exactly one of the two passphrases opens (see
     * {@link PassphraseChange}). Keys, labels and handles stay as they were.
     *
     * @return the number of keys re-sealed
     * @throws HsmException.KeyIntegrity if {@code current} is the wrong passphrase (nothing is changed)
     * @throws HsmException.BackendFailure if a process (a running server) has the store open, there is
     *     no store, or a key file does not open under the current passphrase (nothing is changed)
     */
    public static int changePassphrase(Path directory, SecretSource current, SecretSource next) {
        return PassphraseChange.run(directory, current, next, PassphraseChange.Hook.NONE).keys();
    }

    /** As {@link #open(Path, SecretSource)}, with the scrypt cost to use if the directory is new. */
    static SoftwareHsm open(Path directory, SecretSource passphrase, MasterKey.KdfParams paramsIfNew) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(passphrase, "passphrase");
        SecureRandom random = new SecureRandom();
        KeyDirectory dir = KeyDirectory.open(directory.toAbsolutePath(), random);
        try {
            MasterKey master;
            Map<String, String> meta = dir.readMetadata();
            if (meta == null) {
                if (dir.hasKeyFiles()) {
                    throw new HsmException.BackendFailure("the key directory " + directory + " holds key files but no "
                            + KeyDirectory.METADATA + "; refusing to initialise it afresh", null);
                }
                MasterKey.Created created = MasterKey.create(passphrase, paramsIfNew, random);
                dir.writeMetadata(created.metadata());
                master = created.master();
                LOG.info("initialised a new software HSM in {}", dir.root());
            } else {
                master = MasterKey.open(passphrase, meta, dir.metadataName(), random);
                if (master.generation() != dir.generation()) {
                    throw new HsmException.BackendFailure(dir.metadataName() + " changed while it was being opened", null);
                }
                // A passphrase change that stopped before or after its switch: finish it (see PassphraseChange).
                dir.removeOtherGenerations().forEach(line -> LOG.info("software HSM in {}: {}", dir.root(), line));
            }
            SoftwareHsm hsm = new SoftwareHsm(dir, master, random);
            hsm.loadKeys();
            LOG.info("software HSM in {} opened with {} keys", dir.root(), hsm.keys.size());
            return hsm;
        } catch (RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    private void loadKeys() {
        for (String label : directory.keyLabels()) {
            try {
                Labels.check(label);
            } catch (IllegalArgumentException e) {
                LOG.warn("ignoring a file in {} whose name is not a valid key label", directory.root());
                continue;
            }
            try {
                keys.put(label, unseal(label, directory.readKey(label)));
            } catch (HsmException.KeyIntegrity e) {
                broken.put(label, e.getMessage());
                LOG.warn("{}", e.getMessage());
            }
        }
    }

    private SoftwareKey unseal(String label, byte[] file) {
        KeyFile.Opened opened = KeyFile.open(label, file, master);
        try {
            KeyFile.Header h = opened.header();
            KeyInfo info = new KeyInfo(handles.handle(label, h.algorithm(), h.purpose()), h.created(), h.policy());
            return SoftwareKey.load(info, h.publicKey(), opened.material(), random);
        } finally {
            Arrays.fill(opened.material(), (byte) 0);
        }
    }

    @Override
    public String backendName() {
        return BACKEND_NAME;
    }

    @Override
    public KeyHandle generate(String label, KeyAlgorithm algorithm, KeyPurpose purpose) {
        Labels.check(label);
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(purpose, "purpose");
        purpose.checkFits(algorithm);
        checkOpen();
        checkLabelFree(label);
        // Generation (seconds for RSA-4096) happens outside the lock; the label is checked again inside.
        Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        byte[] publicDer = null;
        byte[] material;
        if (algorithm.isSymmetric()) {
            material = new byte[algorithm.bits() / 8];
            random.nextBytes(material);
        } else {
            KeyPair pair = generatePair(algorithm);
            publicDer = pair.getPublic().getEncoded();
            material = pair.getPrivate().getEncoded();
        }
        try {
            KeyFile.Header header = new KeyFile.Header(label, algorithm, purpose.policy(), purpose, created, publicDer);
            byte[] file = KeyFile.seal(header, material, master);
            synchronized (labelsLock) {
                checkOpen();
                checkLabelFree(label);
                // Load from the sealed file, exactly as a restart will, before publishing the key.
                SoftwareKey key = unseal(label, file);
                directory.writeNewKey(label, file);
                keys.put(label, key);
                return key.info().handle();
            }
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    private KeyPair generatePair(KeyAlgorithm algorithm) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(SoftwareKey.jcaKeyFamily(algorithm), SoftwareProviders.forKey(algorithm));
            switch (algorithm) {
                case RSA_2048, RSA_3072, RSA_4096 -> g.initialize(new RSAKeyGenParameterSpec(algorithm.bits(), RSAKeyGenParameterSpec.F4), random);
                case EC_P256 -> g.initialize(new ECGenParameterSpec("secp256r1"), random);
                case EC_P384 -> g.initialize(new ECGenParameterSpec("secp384r1"), random);
                case ED25519 -> g.initialize(255, random);
                case AES_256 -> throw new IllegalStateException("AES keys are not key pairs");
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new HsmException.BackendFailure("cannot generate a " + algorithm + " key", e);
        }
    }

    private void checkLabelFree(String label) {
        if (keys.containsKey(label) || broken.containsKey(label)) {
            throw new HsmException.DuplicateLabel(label);
        }
    }

    @Override
    public Optional<KeyHandle> find(String label) {
        checkOpen();
        Objects.requireNonNull(label, "label");
        SoftwareKey key = keys.get(label);
        if (key == null) {
            throwIfBroken(label);
            return Optional.empty();
        }
        return Optional.of(key.info().handle());
    }

    @Override
    public List<KeyInfo> list() {
        checkOpen();
        return keys.values().stream().map(SoftwareKey::info).sorted(java.util.Comparator.comparing(KeyInfo::label)).toList();
    }

    @Override
    public PublicKey publicKey(KeyHandle key) {
        return resolve(key).publicKey();
    }

    @Override
    public byte[] sign(KeyHandle key, SignedObject what, SignatureAlgorithm algorithm, byte[] data) {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(data, "data");
        return permitted(resolve(key), what).sign(algorithm, data);
    }

    @Override
    public byte[] signDigest(KeyHandle key, SignedObject what, SignatureAlgorithm algorithm, byte[] digest) {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(digest, "digest");
        return permitted(resolve(key), what).signDigest(algorithm, digest);
    }

    @Override
    public byte[] encrypt(KeyHandle key, byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(plaintext, "plaintext");
        return dataKey(resolve(key), "encryption").encrypt(plaintext, associatedData);
    }

    @Override
    public byte[] decrypt(KeyHandle key, byte[] sealed, byte[] associatedData) {
        Objects.requireNonNull(sealed, "sealed");
        return dataKey(resolve(key), "decryption").decrypt(sealed, associatedData);
    }

    /** The purpose check, against the purpose read from the key's sealed file (not the handle's). */
    private static SoftwareKey permitted(SoftwareKey key, SignedObject what) {
        Objects.requireNonNull(what, "what");
        KeyPurpose purpose = key.info().purpose();
        if (purpose == null || !purpose.permits(what)) {
            throw new HsmException.PurposeMismatch(key.label(), purpose, what.name());
        }
        return key;
    }

    private static SoftwareKey dataKey(SoftwareKey key, String use) {
        KeyPurpose purpose = key.info().purpose();
        if (purpose != KeyPurpose.DATA_ENCRYPTION) {
            throw new HsmException.PurposeMismatch(key.label(), purpose, use);
        }
        return key;
    }

    @Override
    public KeyHandle assignPurpose(String label, KeyPurpose purpose) {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(purpose, "purpose");
        checkOpen();
        synchronized (labelsLock) {
            SoftwareKey key = keys.get(label);
            if (key == null) {
                throwIfBroken(label);
                throw new HsmException.KeyNotFound(label);
            }
            KeyPurpose current = key.info().purpose();
            if (current == purpose) {
                return key.info().handle();
            }
            if (current != null) {
                throw new HsmException.PurposeMismatch(label, current, "the purpose " + purpose + " (purposes never change)");
            }
            purpose.checkFits(key.info().algorithm());
            KeyFile.Opened opened = KeyFile.open(label, directory.readKey(label), master);
            try {
                KeyFile.Header h = opened.header();
                if (!h.policy().allowed().equals(purpose.policy().allowed())) {
                    throw new HsmException.PurposeMismatch(label, null, "the purpose " + purpose
                            + " (the key allows " + h.policy().allowed() + ")");
                }
                byte[] file = KeyFile.seal(h.withPurpose(purpose), opened.material(), master);
                SoftwareKey upgraded = unseal(label, file);
                directory.replaceKey(label, file);
                keys.put(label, upgraded);
                LOG.info("key '{}' upgraded: purpose {} stored in its sealed file", label, purpose);
                return upgraded.info().handle();
            } finally {
                Arrays.fill(opened.material(), (byte) 0);
            }
        }
    }

    @Override
    public void destroy(KeyHandle key) {
        Objects.requireNonNull(key, "key");
        checkOpen();
        synchronized (labelsLock) {
            String label = key.label();
            if (broken.containsKey(label)) {
                directory.deleteKey(label);
                broken.remove(label);
                LOG.info("destroyed the damaged key '{}'", label);
                return;
            }
            resolve(key);
            directory.deleteKey(label);
            keys.remove(label);
            LOG.info("destroyed key '{}'", label);
        }
    }

    /**
     * The key a handle names. Only handles this backend made are accepted, and the handle's
     * algorithm must still match the stored key's (a key destroyed and made again under the label).
     */
    private SoftwareKey resolve(KeyHandle handle) {
        Objects.requireNonNull(handle, "key");
        checkOpen();
        handles.check(handle);
        SoftwareKey key = keys.get(handle.label());
        if (key == null) {
            throwIfBroken(handle.label());
            throw new HsmException.KeyNotFound(handle.label());
        }
        if (key.info().algorithm() != handle.algorithm()) {
            throw new HsmException.AlgorithmMismatch("the handle says " + handle.algorithm() + " but key '"
                    + handle.label() + "' is " + key.info().algorithm());
        }
        return key;
    }

    private void throwIfBroken(String label) {
        String why = broken.get(label);
        if (why != null) {
            throw new HsmException.KeyIntegrity(label, "its file failed the integrity check when the backend opened: " + why);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new HsmException.BackendFailure("the software HSM in " + directory.root() + " is closed", null);
        }
    }

    @Override
    public void close() {
        synchronized (labelsLock) {
            if (closed) {
                return;
            }
            closed = true;
            keys.clear();
            broken.clear();
            directory.close();
        }
    }

    @Override
    public String toString() {
        return "SoftwareHsm[" + directory.root() + (closed ? ", closed" : ", " + keys.size() + " keys") + "]";
    }
}
