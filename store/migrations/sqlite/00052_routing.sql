-- Routing of incoming chats (rules A1–A7): a chat's assignee and its place
-- in the queue live on the subscriber's row, which every change of the chat
-- locks already; a manager's capacity and availability on theirs, which an
-- assignment locks so that two processes never exceed a capacity.

-- +goose Up
ALTER TABLE users ADD COLUMN capacity INTEGER NOT NULL DEFAULT 10;
ALTER TABLE users ADD COLUMN availability TEXT NOT NULL DEFAULT 'offline'
    CHECK (availability IN ('online', 'away', 'offline'));
ALTER TABLE users ADD COLUMN last_seen_at INTEGER;
ALTER TABLE users ADD COLUMN last_assigned_at INTEGER;

ALTER TABLE subscribers ADD COLUMN assignee_id INTEGER REFERENCES users (id);
ALTER TABLE subscribers ADD COLUMN waiting_since INTEGER;
-- "Mine" and ?assignee=ID, newest first; and a manager's open chats counted.
CREATE INDEX subscribers_assignee ON subscribers (assignee_id, last_message_at);
-- "Unassigned", newest first.
CREATE INDEX subscribers_unassigned ON subscribers (workspace_id, last_message_at) WHERE assignee_id IS NULL;
-- The queue, oldest first.
CREATE INDEX subscribers_waiting ON subscribers (workspace_id, waiting_since) WHERE waiting_since IS NOT NULL;

CREATE TABLE routing_settings (
    workspace_id       INTEGER PRIMARY KEY REFERENCES workspaces (id),
    policy             TEXT    NOT NULL CHECK (policy IN ('manual', 'round_robin', 'least_busy')),
    away_after_minutes INTEGER NOT NULL
);

-- A chat's history of assignment (A6).
CREATE TABLE chat_events (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id),
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id),
    kind          TEXT   NOT NULL,
    actor_id      INTEGER REFERENCES users (id),
    user_id       INTEGER REFERENCES users (id),
    reason        TEXT   NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
);
CREATE INDEX chat_events_chat ON chat_events (subscriber_id, id);

-- +goose Down
DROP TABLE IF EXISTS chat_events;
DROP TABLE IF EXISTS routing_settings;
DROP INDEX IF EXISTS subscribers_waiting;
DROP INDEX IF EXISTS subscribers_unassigned;
DROP INDEX IF EXISTS subscribers_assignee;
ALTER TABLE subscribers DROP COLUMN waiting_since;
ALTER TABLE subscribers DROP COLUMN assignee_id;
ALTER TABLE users DROP COLUMN last_assigned_at;
ALTER TABLE users DROP COLUMN last_seen_at;
ALTER TABLE users DROP COLUMN availability;
ALTER TABLE users DROP COLUMN capacity;
