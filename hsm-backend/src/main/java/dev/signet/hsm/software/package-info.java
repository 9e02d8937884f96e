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
 * </pre>
 * Backing up the directory and the passphrase is enough to restore every key. Raising the scrypt
 * cost of an existing directory is not supported yet (it would mean re-sealing every key file).
 */
package dev.signet.hsm.software;
