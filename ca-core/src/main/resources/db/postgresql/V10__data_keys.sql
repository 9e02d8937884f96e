-- Named data-encryption keys (issue 16). The key material of every version is an AES-256 key of
-- purpose DATA_ENCRYPTION inside the HSM (label in data_key_version.hsm_label); these tables hold
-- only what Signet decides about it: versions, state, the minimum version that may decrypt, and
-- which API tokens may use it for what. A destroyed key's row stays, so its name is never reused
-- for a key that old ciphertexts would seem to belong to.
CREATE TABLE data_key (
  name                VARCHAR(64)  NOT NULL PRIMARY KEY,
  state               VARCHAR(24)  NOT NULL,
  current_version     INTEGER      NOT NULL,
  min_decrypt_version INTEGER      NOT NULL,
  created_at          BIGINT       NOT NULL,
  destroy_after       BIGINT       NULL, -- set while scheduled for destruction
  CONSTRAINT data_key_state_known CHECK (state IN ('enabled', 'disabled', 'pending_destruction', 'destroyed'))
);

CREATE TABLE data_key_version (
  key_name   VARCHAR(64)  NOT NULL REFERENCES data_key (name),
  version    INTEGER      NOT NULL,
  hsm_label  VARCHAR(100) NOT NULL,
  created_at BIGINT       NOT NULL,
  PRIMARY KEY (key_name, version)
);

-- What one API token may do with one key: encrypt (also generate data keys), decrypt, or both.
CREATE TABLE data_key_grant (
  key_name   VARCHAR(64) NOT NULL REFERENCES data_key (name),
  token_id   VARCHAR(64) NOT NULL REFERENCES api_token (id),
  can_encrypt BOOLEAN    NOT NULL,
  can_decrypt BOOLEAN    NOT NULL,
  created_at BIGINT      NOT NULL,
  PRIMARY KEY (key_name, token_id)
);
CREATE INDEX data_key_grant_by_token ON data_key_grant (token_id);
