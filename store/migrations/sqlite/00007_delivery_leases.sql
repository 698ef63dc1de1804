-- Delivery without a hot row (D1): producers no longer bump a per-channel
-- queue row; they store pending messages and wake the delivery engine after
-- commit. Only deliverers touch delivery_leases: one row per channel says who
-- delivers it (holder, '' when nobody) until when (expires_at). On PostgreSQL
-- the holder also keeps a session-level advisory lock on the channel, so its
-- death is visible at once (D3).

-- +goose Up
DROP TABLE delivery_queues;
CREATE TABLE delivery_leases (
    channel_id INTEGER PRIMARY KEY REFERENCES channels (id),
    holder     TEXT    NOT NULL DEFAULT '',
    expires_at INTEGER NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE delivery_leases;
CREATE TABLE delivery_queues (
    channel_id INTEGER PRIMARY KEY REFERENCES channels (id),
    seq        INTEGER NOT NULL DEFAULT 0,
    holder     TEXT    NOT NULL DEFAULT '',
    expires_at INTEGER NOT NULL
);
