-- What the next page of a UI session shows once (a new API token's secret, a generated password,
-- "certificate issued"), kept here so that whichever node serves that page can show it. The value
-- is sealed (AES-256-GCM) under an HSM key by the web layer, so a copy of the database reveals no
-- secret. A row is deleted as it is shown, with its session, or once it expires.
CREATE TABLE ui_flash (
  session_hash VARCHAR(64) NOT NULL PRIMARY KEY REFERENCES ui_session (id_hash) ON DELETE CASCADE,
  sealed       BYTEA       NOT NULL,
  expires_at   BIGINT      NOT NULL
);
CREATE INDEX ui_flash_by_expiry ON ui_flash (expires_at);
