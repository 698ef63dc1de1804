-- Channels as one seam: which kinds exist is the channel registry's business,
-- not the schema's, so the CHECK on channels.kind goes; a channel can be
-- switched off; and webhook events that could not be stored are kept to be
-- tried again (SPEC H7).
--
-- SQLite cannot drop a CHECK: the table is rebuilt (the 12 steps of
-- https://sqlite.org/lang_altertable.html#otheralter). Foreign keys must be
-- off while channels is dropped and its copy renamed, and PRAGMA
-- foreign_keys is a no-op inside a transaction, hence NO TRANSACTION; the
-- rebuild itself is one transaction. Nothing else hangs on channels: no
-- trigger, no view, one index (channels_workspace), made again below. Tables
-- that reference channels (subscribers, messages, inbound_updates,
-- delivery_queues, delivery_leases) name it, not its rowid, so they follow.

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE channels_new (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    kind         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    key          TEXT    NOT NULL UNIQUE,
    config       TEXT    NOT NULL DEFAULT '{}',
    created_at   INTEGER NOT NULL,
    -- When an owner switched the channel off; NULL while it is on.
    disabled_at  INTEGER
);
INSERT INTO channels_new (id, workspace_id, kind, name, key, config, created_at)
    SELECT id, workspace_id, kind, name, key, config, created_at FROM channels;
DROP TABLE channels;
ALTER TABLE channels_new RENAME TO channels;
CREATE INDEX channels_workspace ON channels (workspace_id, id);

-- A webhook event that could not be stored (the database failed on it): the
-- event as Beseda read it (replayed by the retry job), as the platform sent
-- it, and why. outcome: stored, refused or gave_up once settled.
CREATE TABLE inbound_failures (
    id              INTEGER PRIMARY KEY,
    channel_id      INTEGER NOT NULL REFERENCES channels (id),
    event_key       TEXT    NOT NULL,
    event           TEXT    NOT NULL,
    raw             TEXT    NOT NULL,
    last_error      TEXT    NOT NULL,
    attempts        INTEGER NOT NULL,
    received_at     INTEGER NOT NULL,
    next_attempt_at INTEGER,
    settled_at      INTEGER,
    outcome         TEXT
);
CREATE INDEX inbound_failures_channel ON inbound_failures (channel_id, id);
-- An event sent again while it waits for its retry is that same failure.
CREATE UNIQUE INDEX inbound_failures_waiting ON inbound_failures (channel_id, event_key) WHERE settled_at IS NULL;
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN;
DROP TABLE inbound_failures;
CREATE TABLE channels_old (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('web', 'telegram', 'messenger')),
    name         TEXT    NOT NULL,
    key          TEXT    NOT NULL UNIQUE,
    config       TEXT    NOT NULL DEFAULT '{}',
    created_at   INTEGER NOT NULL
);
INSERT INTO channels_old (id, workspace_id, kind, name, key, config, created_at)
    SELECT id, workspace_id, kind, name, key, config, created_at FROM channels;
DROP TABLE channels;
ALTER TABLE channels_old RENAME TO channels;
CREATE INDEX channels_workspace ON channels (workspace_id, id);
COMMIT;
PRAGMA foreign_keys = ON;
