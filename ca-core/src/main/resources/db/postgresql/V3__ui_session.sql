-- Logged-in web UI sessions, kept here so that a restart logs nobody out and nodes on one database
-- share them. The session id (the cookie's value) is stored only as its SHA-256: a copy of this
-- file logs nobody in. Pre-login sessions are not stored at all.
CREATE TABLE ui_session (
  id_hash      VARCHAR(64)  NOT NULL PRIMARY KEY, -- SHA-256 of the session id, lower-case hex
  username     VARCHAR(100) NOT NULL REFERENCES app_user (username) ON DELETE CASCADE,
  csrf_token   VARCHAR(64)  NOT NULL,
  created_at   BIGINT       NOT NULL,
  last_seen_at BIGINT       NOT NULL,
  expires_at   BIGINT       NOT NULL
);
-- Ending all sessions of a disabled user, and sweeping the expired ones.
CREATE INDEX ui_session_by_user ON ui_session (username);
CREATE INDEX ui_session_by_expiry ON ui_session (expires_at);
CREATE INDEX ui_session_by_last_seen ON ui_session (last_seen_at);
