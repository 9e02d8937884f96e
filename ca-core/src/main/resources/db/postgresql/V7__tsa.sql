-- Time-stamp authorities (RFC 3161) and the tokens they issued.
-- A TSA's key is a TIMESTAMPING key in the HSM; its certificate comes from a Signet CA (ca_id set)
-- or from an external CA (ca_id NULL: 'pending' with a CSR until the certificate is imported).
-- tokens_issued and last_gen_time move with every token, in the token's own write, so that a
-- restart (or another node) knows the count and the latest genTime without scanning tsa_token.
CREATE TABLE tsa (
  name            VARCHAR(64)   NOT NULL PRIMARY KEY,
  ca_id           VARCHAR(64)   NULL REFERENCES ca (id),
  status          VARCHAR(16)   NOT NULL,
  key_label       VARCHAR(200)  NOT NULL,
  key_backend     VARCHAR(32)   NOT NULL,
  key_algorithm   VARCHAR(16)   NOT NULL,
  certificate_pem VARCHAR(65536) NULL,
  chain_pem       VARCHAR(1048576) NULL,
  csr_pem         VARCHAR(65536) NULL,
  created_at      BIGINT        NOT NULL,
  tokens_issued   BIGINT        NOT NULL,
  last_gen_time   BIGINT        NULL,
  CONSTRAINT tsa_status_known CHECK (status IN ('active', 'pending', 'retired')),
  CONSTRAINT tsa_active_has_certificate CHECK (status <> 'active' OR (certificate_pem IS NOT NULL AND chain_pem IS NOT NULL))
);

-- One row per token issued, written (with its audit entry) before the token is returned.
-- The primary key is what makes serials unique across restarts and across nodes on one database.
CREATE TABLE tsa_token (
  tsa_name        VARCHAR(64)   NOT NULL REFERENCES tsa (name),
  serial          VARCHAR(40)   NOT NULL,
  gen_time        BIGINT        NOT NULL,
  hash_algorithm  VARCHAR(16)   NOT NULL,
  imprint         BYTEA          NOT NULL,
  policy          VARCHAR(200)  NOT NULL,
  requester       VARCHAR(200)  NOT NULL,
  CONSTRAINT tsa_token_pk PRIMARY KEY (tsa_name, serial)
);
CREATE INDEX tsa_token_by_time ON tsa_token (tsa_name, gen_time);
