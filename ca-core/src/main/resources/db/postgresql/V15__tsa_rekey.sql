-- TSA re-keying and retirement (issue 11). Portable SQL: it runs on SQLite and PostgreSQL alike.

-- The certificates a TSA signed with before its current one (a re-key moves the current one here;
-- a retirement its last one): the tokens issued under them stay verifiable with them, and the API
-- and UI show them. key_state is what became of that key in the HSM: 'destroying' from the commit
-- that stopped its use until it is destroyed (just after), then 'destroyed'.
CREATE TABLE tsa_certificate (
  tsa_name        VARCHAR(64)      NOT NULL REFERENCES tsa (name),
  key_label       VARCHAR(200)     NOT NULL,
  ca_id           VARCHAR(64)      NULL,
  certificate_pem VARCHAR(65536)   NOT NULL,
  chain_pem       VARCHAR(1048576) NOT NULL,
  replaced_at     BIGINT           NOT NULL,
  key_state       VARCHAR(16)      NOT NULL,
  CONSTRAINT tsa_certificate_pk PRIMARY KEY (tsa_name, key_label),
  CONSTRAINT tsa_certificate_key_state CHECK (key_state IN ('destroying', 'destroyed'))
);

-- A re-key for an external CA: the new key and its CSR wait here while the current key stamps on,
-- until the CA's certificate for the new key is imported.
ALTER TABLE tsa ADD COLUMN next_key_label VARCHAR(200) NULL;
ALTER TABLE tsa ADD COLUMN next_csr_pem VARCHAR(65536) NULL;
-- When an admin retired it (status 'retired'): it stamps nothing more; its record and counters stay.
ALTER TABLE tsa ADD COLUMN retired_at BIGINT NULL;

-- Re-keys and retirements reach every node's TSA within one change poll.
INSERT INTO node_change (topic, generation) VALUES ('tsas', 0);
