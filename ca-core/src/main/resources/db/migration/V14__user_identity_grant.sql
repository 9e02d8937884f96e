-- Which signer identities a UI user may sign with (issue 12), as api_token.identities does for
-- tokens. Granted and revoked by administrators; each change is audited in the same transaction.
-- identity_id is {caId}.{serial} of the identity's certificate.
CREATE TABLE user_identity_grant (
  username    VARCHAR(100) NOT NULL REFERENCES app_user (username),
  identity_id VARCHAR(200) NOT NULL,
  granted_at  BIGINT       NOT NULL,
  granted_by  VARCHAR(200) NOT NULL,
  PRIMARY KEY (username, identity_id)
);
