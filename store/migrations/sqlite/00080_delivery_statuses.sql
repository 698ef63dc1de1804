-- WhatsApp and Messenger report how far a message got: delivered to the
-- client's device, read. Each time is kept once it is known and never goes
-- back (a late "delivered" after "read" changes nothing).

-- +goose Up
ALTER TABLE messages ADD COLUMN delivered_at BIGINT;
ALTER TABLE messages ADD COLUMN read_at BIGINT;

-- +goose Down
ALTER TABLE messages DROP COLUMN read_at;
ALTER TABLE messages DROP COLUMN delivered_at;
