-- +goose Up
-- Scoped API tokens: made by a manager for an integration, with a name,
-- scopes (space-separated) and an optional expiry; stored as SHA-256 of
-- the token, which is shown once. Tokens of sign-in (auth_tokens) stay as
-- they are: they carry everything their user holds.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT   NOT NULL,
    scopes       TEXT   NOT NULL,
    token_hash   BLOB   NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    last_used_at INTEGER
);
CREATE INDEX api_tokens_workspace ON api_tokens (workspace_id, id);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Two-factor sign-in (TOTP): the secret is sealed like every stored secret;
-- it counts once it is confirmed (totp_enabled_at). totp_last_step is the
-- last time step a code was accepted for, so that a code works once.
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled_at INTEGER;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workspaces ADD COLUMN require_totp BOOLEAN NOT NULL DEFAULT FALSE;

-- Ten single-use recovery codes per manager, stored as SHA-256.
CREATE TABLE recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BLOB   NOT NULL,
    used_at   INTEGER,
    PRIMARY KEY (user_id, code_hash)
);

-- Single sign-on with OpenID Connect, per workspace; the client secret is
-- sealed.
CREATE TABLE oidc_settings (
    workspace_id    INTEGER  PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    issuer          TEXT    NOT NULL,
    client_id       TEXT    NOT NULL,
    client_secret   TEXT    NOT NULL DEFAULT '',
    allowed_domains TEXT    NOT NULL DEFAULT '',
    create_users    BOOLEAN NOT NULL DEFAULT FALSE,
    role            TEXT    NOT NULL DEFAULT 'manager',
    password_login  BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at      INTEGER  NOT NULL
);

-- +goose Down
DROP TABLE oidc_settings;
DROP TABLE recovery_codes;
ALTER TABLE workspaces DROP COLUMN require_totp;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_enabled_at;
ALTER TABLE users DROP COLUMN totp_secret;
DROP TABLE api_tokens;
