-- A message of several platform messages (a text and its files) counts the
-- parts delivered, so that a retry after a failure half-way sends the rest.

-- +goose Up
ALTER TABLE messages ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE messages DROP COLUMN parts_sent;
