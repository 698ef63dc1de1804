-- Notifications keep their kind and arguments, and are written in the
-- reader's language when read; saved replies for the composers.

-- +goose Up
ALTER TABLE notifications ADD COLUMN args TEXT;
-- A started task's notification needs nothing but the dialog's title; older
-- "starts in" notifications keep their stored text.
UPDATE notifications SET args = '{}' WHERE kind = 'task_started';

CREATE TABLE saved_replies (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    name         TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
-- A name is a handle typed after "/" (kept in lower case by the domain): unique per workspace.
CREATE UNIQUE INDEX saved_replies_name ON saved_replies (workspace_id, name);

-- +goose Down
DROP TABLE saved_replies;
ALTER TABLE notifications DROP COLUMN args;
