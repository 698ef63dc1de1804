-- Outgoing webhooks: subscriptions, the event types each one takes, and the
-- deliveries of events to them with every attempt.

-- +goose Up
CREATE TABLE webhooks (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    url          TEXT   NOT NULL,
    secret       TEXT   NOT NULL, -- sealed (store.Keyring): "webhooks.secret"
    created_by   INTEGER REFERENCES users (id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX webhooks_workspace ON webhooks (workspace_id, id);

-- One row per subscribed type: an event looks up its subscribers by the
-- primary key alone, in the statement that queues their deliveries.
CREATE TABLE webhook_event_types (
    workspace_id INTEGER NOT NULL,
    type         TEXT   NOT NULL,
    webhook_id   INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    PRIMARY KEY (workspace_id, type, webhook_id)
);
CREATE INDEX webhook_event_types_webhook ON webhook_event_types (webhook_id);

-- A delivery of one event to one subscription. No foreign key to webhooks:
-- queuing an event must never fail the request that caused it, also when
-- the subscription is being removed at that moment; the sender drops
-- deliveries whose subscription is gone.
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    webhook_id      INTEGER  NOT NULL,
    workspace_id    INTEGER  NOT NULL,
    event_id        TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending', -- pending, delivered, failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,          -- while pending
    lease_holder    TEXT,            -- the sender attempting it now
    lease_until     INTEGER,
    created_at      INTEGER  NOT NULL,
    finished_at     INTEGER
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_at) WHERE status <> 'pending';

CREATE TABLE webhook_attempts (
    id           INTEGER PRIMARY KEY,
    delivery_id  INTEGER  NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at INTEGER  NOT NULL,
    status_code  INTEGER,            -- null: no answer (error says why)
    error        TEXT,
    duration_ms  INTEGER  NOT NULL,
    response     TEXT                -- the start of the answer's body
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_event_types;
DROP TABLE webhooks;
