package dev.signet.hsm;

/**
 * Makes the {@link KeyHandle}s of one backend instance and recognises them again. Each backend
 * holds its own issuer; a handle made by any other issuer (another backend, or code that built an
 * issuer of its own) is refused by {@link #check}, so holding a label is never enough to reach a key.
 */
public final class HandleIssuer {

    private final String backend;

    public HandleIssuer(String backend) {
        this.backend = backend;
    }

    /** A handle for a key this backend holds, with what the backend read from the key itself. */
    public KeyHandle handle(String label, KeyAlgorithm algorithm, KeyPurpose purpose) {
        return new KeyHandle(label, algorithm, purpose, backend, this);
    }

    /** @throws HsmException.ForeignHandle if this issuer did not make {@code handle} */
    public KeyHandle check(KeyHandle handle) {
        if (handle == null) {
            throw new NullPointerException("key");
        }
        if (!handle.issuedBy(this)) {
            throw new HsmException.ForeignHandle(handle.label(), backend);
        }
        return handle;
    }
}
