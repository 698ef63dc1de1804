-- Attachments: files uploaded by managers and web-chat clients, kept on disk
-- under the data directory (only their metadata is here), attached once to
-- a message; internal notes in dialogs.

-- +goose Up
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id),
    uploader_id   INTEGER REFERENCES users (id),       -- a manager's upload
    subscriber_id INTEGER REFERENCES subscribers (id), -- or a client's
    name          TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    content_type  TEXT    NOT NULL,
    storage_key   TEXT    NOT NULL UNIQUE,
    sha256        TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    message_id    INTEGER REFERENCES messages (id),
    attached_at   INTEGER,
    removing_at   INTEGER, -- the sweep is removing it; it can no longer be attached
    CHECK ((uploader_id IS NULL) <> (subscriber_id IS NULL))
);
-- The sweep of uploads never attached.
CREATE INDEX attachments_unattached ON attachments (created_at) WHERE message_id IS NULL;

-- A message's files as the API shows them (JSON, '' for none): read with the
-- message, at no extra statement.
ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '';
-- A note managers leave each other in a dialog: never delivered.
ALTER TABLE messages ADD COLUMN internal BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE messages DROP COLUMN internal;
ALTER TABLE messages DROP COLUMN attachments;
DROP TABLE attachments;
