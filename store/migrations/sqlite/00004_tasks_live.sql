-- Personal tasks and notifications (C2, S3), and the log of live events that
-- every process tails to feed its Server-Sent Events clients.

-- +goose Up
CREATE TABLE tasks (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    dialog_id    INTEGER NOT NULL REFERENCES dialogs (id),
    title        TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('scheduled', 'started', 'done', 'cancelled')),
    start_at     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    started_at   INTEGER,
    finished_at  INTEGER
);
-- A manager has at most one open task per dialog.
CREATE UNIQUE INDEX tasks_open ON tasks (dialog_id, user_id) WHERE status IN ('scheduled', 'started');
CREATE INDEX tasks_user ON tasks (user_id, id);

CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    kind         TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    dialog_id    INTEGER REFERENCES dialogs (id),
    task_id      INTEGER REFERENCES tasks (id),
    created_at   INTEGER NOT NULL,
    read_at      INTEGER
);
-- Every notification about a task is created once, whichever process tries.
CREATE UNIQUE INDEX notifications_once ON notifications (task_id, kind) WHERE task_id IS NOT NULL;
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- AUTOINCREMENT: ids are never reused after pruning, so a client's
-- Last-Event-ID always means the same point in the log.
CREATE TABLE live_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL,
    user_id      INTEGER, -- only this manager sees it
    kind         TEXT    NOT NULL,
    data         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX live_events_created ON live_events (created_at);

-- +goose Down
DROP TABLE live_events;
DROP TABLE notifications;
DROP TABLE tasks;
