-- Signet store, version 1: CAs, certificates, the audit chain and access control.
-- SQLite, in types that map plainly to PostgreSQL (whose migrations would spell BYTEA as BYTEA):
-- times are epoch milliseconds in BIGINT columns, binary values are BLOBs, flags are BOOLEAN.

CREATE TABLE ca (
  id              VARCHAR(64)   NOT NULL PRIMARY KEY,
  name            VARCHAR(200)  NOT NULL,
  status          VARCHAR(16)   NOT NULL,
  key_label       VARCHAR(200)  NOT NULL,
  key_backend     VARCHAR(32)   NOT NULL,
  key_algorithm   VARCHAR(16)   NOT NULL,
  parent_id       VARCHAR(64)   NULL REFERENCES ca (id),
  certificate_pem VARCHAR(65536) NULL,
  chain_pem       VARCHAR(1048576) NULL,
  base_url        VARCHAR(2000) NULL,
  created_at      BIGINT        NOT NULL,
  CONSTRAINT ca_status_known CHECK (status IN ('active', 'retired', 'pending'))
);

-- One row per serial a CA has handed out. A row is written as 'reserved' (with the to-be-signed
-- bytes) before anything is signed, and becomes 'valid' once the signed certificate is stored.
CREATE TABLE certificate (
  ca_id             VARCHAR(64)   NOT NULL REFERENCES ca (id),
  serial            VARCHAR(40)   NOT NULL,
  status            VARCHAR(16)   NOT NULL,
  tbs_der           BYTEA          NULL,
  der               BYTEA          NULL,
  subject           VARCHAR(4000) NULL,
  sans              VARCHAR(65536) NULL,
  not_before        BIGINT        NULL,
  not_after         BIGINT        NULL,
  profile           VARCHAR(100)  NOT NULL,
  key_algorithm     VARCHAR(16)   NULL,
  requester         VARCHAR(200)  NOT NULL,
  reserved_at       BIGINT        NOT NULL,
  issued_at         BIGINT        NULL,
  revoked_at        BIGINT        NULL,
  revocation_reason VARCHAR(32)   NULL,
  CONSTRAINT certificate_pk PRIMARY KEY (ca_id, serial),
  CONSTRAINT certificate_status_known CHECK (status IN ('reserved', 'valid', 'revoked')),
  CONSTRAINT certificate_issued_complete CHECK (status = 'reserved' OR (der IS NOT NULL
      AND subject IS NOT NULL AND not_before IS NOT NULL AND not_after IS NOT NULL
      AND key_algorithm IS NOT NULL AND issued_at IS NOT NULL)),
  CONSTRAINT certificate_revocation_complete CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
);
CREATE INDEX certificate_by_status ON certificate (ca_id, status);
CREATE INDEX certificate_by_expiry ON certificate (ca_id, not_after);
CREATE INDEX certificate_by_profile ON certificate (ca_id, profile);

-- The audit chain: hash = SHA-256(previous hash || canonical content); see dev.signet.ca.audit.
CREATE TABLE audit_entry (
  seq         BIGINT        NOT NULL PRIMARY KEY,
  at          BIGINT        NOT NULL,
  actor       VARCHAR(200)  NOT NULL,
  action      VARCHAR(100)  NOT NULL,
  object_type VARCHAR(100)  NOT NULL,
  object_id   VARCHAR(200)  NOT NULL,
  details     VARCHAR(1048576) NOT NULL,
  hash        BYTEA          NOT NULL
);

-- Signed statements "the chain up to seq has this hash". No foreign key to audit_entry on purpose:
-- verification, not the schema, must be what notices a deleted entry.
CREATE TABLE audit_checkpoint (
  seq                 BIGINT       NOT NULL PRIMARY KEY,
  hash                BYTEA         NOT NULL,
  signature           BYTEA         NOT NULL,
  key_label           VARCHAR(200) NOT NULL,
  signature_algorithm VARCHAR(32)  NOT NULL,
  created_at          BIGINT       NOT NULL
);

CREATE TABLE api_token (
  id          VARCHAR(64)   NOT NULL PRIMARY KEY,
  name        VARCHAR(200)  NOT NULL,
  role        VARCHAR(16)   NOT NULL,
  token_hash  VARCHAR(64)   NOT NULL, -- SHA-256 of the token, lower-case hex
  identities  VARCHAR(65536) NOT NULL,
  created_at  BIGINT        NOT NULL,
  expires_at  BIGINT        NULL,
  revoked_at  BIGINT        NULL,
  CONSTRAINT api_token_role_known CHECK (role IN ('admin', 'officer', 'signer', 'auditor'))
);
CREATE UNIQUE INDEX api_token_by_hash ON api_token (token_hash);

CREATE TABLE app_user (
  username      VARCHAR(100)  NOT NULL PRIMARY KEY,
  password_hash VARCHAR(500)  NOT NULL,
  role          VARCHAR(16)   NOT NULL,
  created_at    BIGINT        NOT NULL,
  disabled      BOOLEAN       NOT NULL,
  CONSTRAINT app_user_role_known CHECK (role IN ('admin', 'officer', 'signer', 'auditor'))
);
