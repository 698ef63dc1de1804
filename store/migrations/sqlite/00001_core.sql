-- Core schema: tenants, managers, channels, subscribers, messages, dialogs.
-- Times are INTEGER milliseconds since the Unix epoch (UTC) in both dialects,
-- so that the same SQL filters and groups them.

-- +goose Up
CREATE TABLE installation (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE workspaces (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    locale     TEXT    NOT NULL DEFAULT 'en',
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id),
    email         TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('owner', 'admin', 'manager')),
    permissions   TEXT    NOT NULL DEFAULT '', -- space-separated grants beyond the role
    password_hash TEXT    NOT NULL,
    locale        TEXT    NOT NULL DEFAULT '',
    time_zone     TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_workspace ON users (workspace_id, id);

-- Bearer tokens and console sessions, stored as SHA-256 of the token.
CREATE TABLE auth_tokens (
    token_hash BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL DEFAULT 'api',
    csrf       TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX auth_tokens_user ON auth_tokens (user_id);

CREATE TABLE channels (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('web', 'telegram', 'messenger')),
    name         TEXT    NOT NULL,
    key          TEXT    NOT NULL UNIQUE,
    config       TEXT    NOT NULL DEFAULT '{}',
    created_at   INTEGER NOT NULL
);
CREATE INDEX channels_workspace ON channels (workspace_id, id);

CREATE TABLE subscribers (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces (id),
    channel_id      INTEGER NOT NULL REFERENCES channels (id),
    external_id     TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    name_key        TEXT    NOT NULL, -- lower-cased name for search
    created_at      INTEGER NOT NULL,
    last_message_at INTEGER,
    last_inbound_at INTEGER,
    UNIQUE (channel_id, external_id)
);
CREATE INDEX subscribers_workspace ON subscribers (workspace_id, id);
CREATE INDEX subscribers_recent ON subscribers (workspace_id, last_message_at);

-- Web-chat visitors prove who they are with a server-issued token (SHA-256 stored).
CREATE TABLE visitor_tokens (
    token_hash    BLOB    PRIMARY KEY,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id),
    created_at    INTEGER NOT NULL
) WITHOUT ROWID;

-- Dialog settings catalogs (P1). Removed items keep removed_at and stay on dialogs.
CREATE TABLE dialog_types (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    name         TEXT    NOT NULL,
    name_key     TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    removed_at   INTEGER
);
CREATE UNIQUE INDEX dialog_types_name ON dialog_types (workspace_id, name_key) WHERE removed_at IS NULL;

CREATE TABLE dialog_reasons (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    name         TEXT    NOT NULL,
    name_key     TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    removed_at   INTEGER
);
CREATE UNIQUE INDEX dialog_reasons_name ON dialog_reasons (workspace_id, name_key) WHERE removed_at IS NULL;

CREATE TABLE dialog_components (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    name         TEXT    NOT NULL,
    name_key     TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    removed_at   INTEGER
);
CREATE UNIQUE INDEX dialog_components_name ON dialog_components (workspace_id, name_key) WHERE removed_at IS NULL;

CREATE TABLE dialogs (
    id                INTEGER PRIMARY KEY,
    workspace_id      INTEGER NOT NULL REFERENCES workspaces (id),
    subscriber_id     INTEGER NOT NULL REFERENCES subscribers (id),
    title             TEXT    NOT NULL,
    type_id           INTEGER NOT NULL REFERENCES dialog_types (id),
    status            TEXT    NOT NULL CHECK (status IN ('active', 'paused', 'completed')),
    created_by        INTEGER NOT NULL REFERENCES users (id),
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    completed_at      INTEGER,
    account_rating    INTEGER CHECK (account_rating BETWEEN 1 AND 3),
    client_rating     INTEGER CHECK (client_rating BETWEEN 1 AND 3),
    rating_form_sent  INTEGER NOT NULL DEFAULT 0,
    rating_form_error TEXT    NOT NULL DEFAULT ''
);
-- C3: a subscriber has at most one active dialog.
CREATE UNIQUE INDEX dialogs_one_active ON dialogs (subscriber_id) WHERE status = 'active';
CREATE INDEX dialogs_subscriber ON dialogs (subscriber_id, id);
CREATE INDEX dialogs_workspace_status ON dialogs (workspace_id, status, id);
CREATE INDEX dialogs_workspace_created ON dialogs (workspace_id, created_at);

CREATE TABLE dialog_reason_links (
    dialog_id INTEGER NOT NULL REFERENCES dialogs (id),
    reason_id INTEGER NOT NULL REFERENCES dialog_reasons (id),
    PRIMARY KEY (dialog_id, reason_id)
) WITHOUT ROWID;
CREATE INDEX dialog_reason_links_reason ON dialog_reason_links (reason_id, dialog_id);

CREATE TABLE dialog_component_links (
    dialog_id    INTEGER NOT NULL REFERENCES dialogs (id),
    component_id INTEGER NOT NULL REFERENCES dialog_components (id),
    PRIMARY KEY (dialog_id, component_id)
) WITHOUT ROWID;
CREATE INDEX dialog_component_links_component ON dialog_component_links (component_id, dialog_id);

CREATE TABLE dialog_participants (
    dialog_id INTEGER NOT NULL REFERENCES dialogs (id),
    user_id   INTEGER NOT NULL REFERENCES users (id),
    added_at  INTEGER NOT NULL,
    PRIMARY KEY (dialog_id, user_id)
) WITHOUT ROWID;
CREATE INDEX dialog_participants_user ON dialog_participants (user_id, dialog_id);

-- L3: every change of a dialog.
CREATE TABLE dialog_events (
    id         INTEGER PRIMARY KEY,
    dialog_id  INTEGER NOT NULL REFERENCES dialogs (id),
    actor_id   INTEGER REFERENCES users (id),
    kind       TEXT    NOT NULL,
    data       TEXT    NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL
);
CREATE INDEX dialog_events_dialog ON dialog_events (dialog_id, id);

CREATE TABLE messages (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id),
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id),
    channel_id    INTEGER NOT NULL REFERENCES channels (id),
    dialog_id     INTEGER REFERENCES dialogs (id),
    direction     TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    source        TEXT    NOT NULL,
    author_id     INTEGER REFERENCES users (id),
    text          TEXT    NOT NULL,
    buttons       TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'held', 'dropped', 'failed')),
    reason        TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    sent_at       INTEGER
);
CREATE INDEX messages_subscriber ON messages (subscriber_id, id);
CREATE INDEX messages_dialog ON messages (dialog_id, id) WHERE dialog_id IS NOT NULL;

-- +goose Down
DROP TABLE messages;
DROP TABLE dialog_events;
DROP TABLE dialog_participants;
DROP TABLE dialog_component_links;
DROP TABLE dialog_reason_links;
DROP TABLE dialogs;
DROP TABLE dialog_components;
DROP TABLE dialog_reasons;
DROP TABLE dialog_types;
DROP TABLE visitor_tokens;
DROP TABLE subscribers;
DROP TABLE channels;
DROP TABLE auth_tokens;
DROP TABLE users;
DROP TABLE workspaces;
DROP TABLE installation;
