package dev.signet.hsm;

import java.util.List;
import java.util.Optional;

/** The {@link KeyPurpose#DATA_ENCRYPTION} keys: AES-256, generated inside the backend, never exported. */
public interface EncryptionKeys {

    /** @throws HsmException.DuplicateLabel if the label is taken */
    DataCipher generate(String label);

    /** @throws HsmException.PurposeMismatch if the key exists with another purpose */
    Optional<DataCipher> find(String label);

    List<KeyInfo> list();

    void destroy(String label);
}
