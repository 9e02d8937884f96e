-- Several nodes on one database (issue 14). Portable SQL: it runs on SQLite and PostgreSQL alike.

-- One row per kind of change that other nodes cache: a write that changes it bumps the row's
-- generation in its own transaction, and every node polls the table (a few hundred bytes, every
-- 500 ms) and drops what it cached for a topic whose generation moved. The rows exist from the
-- start, so a bump is a plain UPDATE on every engine.
CREATE TABLE node_change (
  topic      VARCHAR(40) NOT NULL PRIMARY KEY,
  generation BIGINT      NOT NULL
);
INSERT INTO node_change (topic, generation) VALUES ('cas', 0);
INSERT INTO node_change (topic, generation) VALUES ('profiles', 0);
INSERT INTO node_change (topic, generation) VALUES ('tokens', 0);

-- Failed UI logins, per throttle key ('u:' + user name, 'c:' + client address), so that the login
-- throttle counts the same failures whichever node answers. Rows older than the throttle's window
-- are deleted as new ones arrive.
CREATE TABLE login_failure (
  throttle_key VARCHAR(120) NOT NULL,
  failed_at    BIGINT       NOT NULL
);
CREATE INDEX login_failure_by_key ON login_failure (throttle_key, failed_at);
CREATE INDEX login_failure_by_time ON login_failure (failed_at);

-- Values every node must agree on, made once by whichever node needs one first: the HMAC key of
-- the pre-login form's CSRF token (random, guarding nothing of lasting value), and the SHA-256 of
-- the audit key's public key, so that a node whose HSM holds another audit key (a software key
-- directory on another machine, a different PKCS#11 token) is refused instead of splitting the CA.
-- Text (base64, hex), so the table is the same on every engine.
CREATE TABLE shared_value (
  name       VARCHAR(40)  NOT NULL PRIMARY KEY,
  value      VARCHAR(200) NOT NULL,
  created_at BIGINT       NOT NULL
);
