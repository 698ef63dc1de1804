-- Automation and delivery: the outbound queue lives in the messages table
-- (persist first, deliver after); broadcasts, funnels and smart answers
-- produce into it through the automation gate.

-- +goose Up
ALTER TABLE messages ADD COLUMN idempotency_key TEXT;
ALTER TABLE messages ADD COLUMN broadcast_id INTEGER;
ALTER TABLE messages ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN next_attempt_at INTEGER;
-- Set while a send to a messenger is in flight: after a crash it tells that
-- the message may have reached the client, so it is never sent a second time.
ALTER TABLE messages ADD COLUMN sending_at INTEGER;
ALTER TABLE messages ADD COLUMN external_id TEXT;

CREATE UNIQUE INDEX messages_idempotency ON messages (workspace_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- The delivery queue of a channel, and of one client within it.
CREATE INDEX messages_pending ON messages (channel_id, id) WHERE status = 'pending';
CREATE INDEX messages_pending_subscriber ON messages (subscriber_id, id) WHERE status = 'pending';
-- What the gate holds for a client (G2 releases it in order).
CREATE INDEX messages_held ON messages (subscriber_id, id) WHERE status = 'held';
CREATE INDEX messages_broadcast ON messages (broadcast_id, status) WHERE broadcast_id IS NOT NULL;

-- A row here says "this channel has messages to deliver, and a deliver job is
-- queued or at work". Producers bump seq in the transaction that stores a
-- message (inserting the row, with a job, when there is none); the deliver
-- job removes the row only after finding nothing left, under its lock. holder
-- and expires_at form a lease: one deliverer per channel at a time, which
-- keeps every chat in order; a dead holder's lease runs out.
CREATE TABLE delivery_queues (
    channel_id INTEGER PRIMARY KEY REFERENCES channels (id),
    seq        INTEGER NOT NULL DEFAULT 0,
    holder     TEXT    NOT NULL DEFAULT '',
    expires_at INTEGER NOT NULL
);

CREATE TABLE broadcasts (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    text         TEXT    NOT NULL,
    all_subscribers INTEGER NOT NULL,
    created_by   INTEGER REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    total        INTEGER NOT NULL,
    -- Production walks the recipients in id order; cursor is the last one done.
    cursor       INTEGER NOT NULL DEFAULT 0,
    produced     INTEGER NOT NULL DEFAULT 0,
    finished_at  INTEGER
);
CREATE INDEX broadcasts_workspace ON broadcasts (workspace_id, id);

CREATE TABLE broadcast_recipients (
    broadcast_id  INTEGER NOT NULL REFERENCES broadcasts (id),
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id),
    PRIMARY KEY (broadcast_id, subscriber_id)
) WITHOUT ROWID;

CREATE TABLE funnels (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    name         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX funnels_workspace ON funnels (workspace_id, id);

CREATE TABLE funnel_steps (
    funnel_id     INTEGER NOT NULL REFERENCES funnels (id),
    position      INTEGER NOT NULL,
    delay_seconds INTEGER NOT NULL,
    text          TEXT    NOT NULL,
    PRIMARY KEY (funnel_id, position)
) WITHOUT ROWID;

CREATE TABLE funnel_enrollments (
    id            INTEGER PRIMARY KEY,
    funnel_id     INTEGER NOT NULL REFERENCES funnels (id),
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id),
    enrolled_at   INTEGER NOT NULL,
    next_step     INTEGER NOT NULL DEFAULT 0, -- position of the step to produce next
    finished_at   INTEGER,
    UNIQUE (funnel_id, subscriber_id)
);

CREATE TABLE smart_answers (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    keywords     TEXT    NOT NULL, -- JSON array of lower-cased keywords
    answer       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX smart_answers_workspace ON smart_answers (workspace_id, id);

-- +goose Down
DROP TABLE smart_answers;
DROP TABLE funnel_enrollments;
DROP TABLE funnel_steps;
DROP TABLE funnels;
DROP TABLE broadcast_recipients;
DROP TABLE broadcasts;
DROP TABLE delivery_queues;
DROP INDEX messages_broadcast;
DROP INDEX messages_held;
DROP INDEX messages_pending_subscriber;
DROP INDEX messages_pending;
DROP INDEX messages_idempotency;
ALTER TABLE messages DROP COLUMN external_id;
ALTER TABLE messages DROP COLUMN sending_at;
ALTER TABLE messages DROP COLUMN next_attempt_at;
ALTER TABLE messages DROP COLUMN attempts;
ALTER TABLE messages DROP COLUMN broadcast_id;
ALTER TABLE messages DROP COLUMN idempotency_key;
