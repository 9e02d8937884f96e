-- Revocation: reasons as RFC 5280 CRLReason codes, invalidity dates, the CRLs and the OCSP
-- responders of each CA, and the counters that let several nodes on one database agree.

-- The reason is kept as its CRLReason code (RFC 5280 5.3.1): 0 unspecified, 1 keyCompromise,
-- 2 cACompromise, 3 affiliationChanged, 4 superseded, 5 cessationOfOperation, 6 certificateHold,
-- 9 privilegeWithdrawn, 10 aACompromise. (V1's revocation_reason text column is no longer written.)
-- revocation_change is the CA's revocation generation at which this certificate's revocation status
-- last changed (a revoke or a release): delta CRLs list the certificates whose change is newer than
-- their base CRL's generation, and OCSP caches on every node drop exactly those entries.
ALTER TABLE certificate ADD COLUMN revocation_code INTEGER NULL;
ALTER TABLE certificate ADD COLUMN invalidity_date BIGINT NULL;
ALTER TABLE certificate ADD COLUMN revocation_change BIGINT NULL;
CREATE INDEX certificate_by_revocation_change ON certificate (ca_id, revocation_change);
-- Everything a full CRL reads, for revoked rows only: the CRL is one scan of this index, and
-- issuance (which never writes a revoked row) does not maintain it.
CREATE INDEX certificate_crl_entries ON certificate (ca_id, not_after, serial, revoked_at, revocation_code, invalidity_date)
  WHERE status = 'revoked';

-- One row per CA. generation counts the revocation changes of the CA's certificates (bumped in the
-- transaction of each revoke or release), so a node learns that its caches are stale by reading one
-- small row. next_crl_number is the cRLNumber sequence that full and delta CRLs share. The lease
-- makes one node at a time generate the CA's CRLs and roll its OCSP responder over.
CREATE TABLE revocation_state (
  ca_id           VARCHAR(64)  NOT NULL PRIMARY KEY REFERENCES ca (id),
  generation      BIGINT       NOT NULL,
  next_crl_number BIGINT       NOT NULL,
  lease_owner     VARCHAR(200) NULL,
  lease_until     BIGINT       NULL
);

-- Boulder's discipline for CRLs: the number is reserved first ('reserved'), then what is about to be
-- signed is recorded (times, generation, entry count and the SHA-256 of the linted TBSCertList:
-- 'prepared'), and only then is it signed and stored ('issued').
CREATE TABLE crl (
  ca_id       VARCHAR(64) NOT NULL REFERENCES ca (id),
  number      BIGINT      NOT NULL,
  kind        VARCHAR(8)  NOT NULL,
  base_number BIGINT      NULL,
  status      VARCHAR(16) NOT NULL,
  generation  BIGINT      NULL,
  this_update BIGINT      NULL,
  next_update BIGINT      NULL,
  entries     BIGINT      NULL,
  tbs_sha256  BYTEA        NULL,
  der         BYTEA        NULL,
  created_at  BIGINT      NOT NULL,
  CONSTRAINT crl_pk PRIMARY KEY (ca_id, number),
  CONSTRAINT crl_kind_known CHECK (kind IN ('full', 'delta')),
  CONSTRAINT crl_status_known CHECK (status IN ('reserved', 'prepared', 'issued')),
  CONSTRAINT crl_delta_has_base CHECK ((kind = 'delta') = (base_number IS NOT NULL)),
  CONSTRAINT crl_issued_complete CHECK (status <> 'issued' OR (der IS NOT NULL AND this_update IS NOT NULL
      AND next_update IS NOT NULL AND generation IS NOT NULL AND tbs_sha256 IS NOT NULL))
);
CREATE INDEX crl_newest ON crl (ca_id, kind, status, number);

-- The delegated OCSP responders: a key of purpose OCSP in the HSM, certified by the CA (the
-- certificate itself is in the certificate table under the same serial). The newest one signs.
CREATE TABLE ocsp_responder (
  ca_id      VARCHAR(64)  NOT NULL REFERENCES ca (id),
  serial     VARCHAR(40)  NOT NULL,
  key_label  VARCHAR(200) NOT NULL,
  not_before BIGINT       NOT NULL,
  not_after  BIGINT       NOT NULL,
  created_at BIGINT       NOT NULL,
  CONSTRAINT ocsp_responder_pk PRIMARY KEY (ca_id, serial),
  CONSTRAINT ocsp_responder_certificate FOREIGN KEY (ca_id, serial) REFERENCES certificate (ca_id, serial)
);

-- What OCSP lookups need besides the certificate row: each CA's issuer name and key hashes, under
-- SHA-1 and SHA-256 (RFC 6960 CertID), so a request is matched to its CA with one indexed read.
CREATE TABLE ca_issuer_hash (
  ca_id      VARCHAR(64) NOT NULL REFERENCES ca (id),
  algorithm  VARCHAR(16) NOT NULL,
  name_hash  VARCHAR(64) NOT NULL, -- lower-case hex
  key_hash   VARCHAR(64) NOT NULL, -- lower-case hex
  CONSTRAINT ca_issuer_hash_pk PRIMARY KEY (ca_id, algorithm),
  CONSTRAINT ca_issuer_hash_algorithm_known CHECK (algorithm IN ('SHA-1', 'SHA-256'))
);
CREATE INDEX ca_issuer_hash_by_key ON ca_issuer_hash (key_hash);
