/**
 * The embedded software backend ({@link dev.signet.hsm.software.SoftwareHsm}).
 *
 * <p>On disk, in the directory the configuration names (keep it apart from the database):
 * <pre>
 *   hsm.properties   format, scrypt parameters (log2N, r, p), a random 32-byte salt, and a check
 *                    value sealed under the master key: a wrong passphrase fails here, at open
 *   hsm.lock         locked while a process has the backend open
 *   keys/LABEL.key   "SIGNET-KEY/1\n" | u32 n | header (n bytes of UTF-8: label, algorithm,
 *                    policy, created, public key) | u32 m | AES-256-GCM(nonce | ciphertext | tag)
 *                    of the PKCS#8 private key or raw AES key, with everything before it as AAD
 *   keys.N/LABEL.key the same, after a passphrase change: hsm.properties is then format 2 and names
 *                    the generation N (keys.generation=N, covered by the check value)
 * </pre>
 * Backing up the directory and the passphrase is enough to restore every key. The passphrase is
 * changed offline by {@link dev.signet.hsm.software.SoftwareHsm#changePassphrase}: every key is
 * re-sealed into the next generation's directory, then hsm.properties is replaced in one atomic
 * rename (see {@code PassphraseChange}). Raising the scrypt cost of an existing directory is not
 * supported yet (a change keeps the store's parameters).
 */
package dev.signet.hsm.software;
