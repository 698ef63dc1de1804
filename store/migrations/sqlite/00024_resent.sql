-- A send a crash cut off is no longer failed as unconfirmed: it is recorded
-- as sent when the platform reports it took it, or sent again (SPEC D3).
-- resent marks a message sent again on a platform that reports nothing: the
-- client may have it twice.

-- +goose Up
ALTER TABLE messages ADD COLUMN resent BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE messages DROP COLUMN resent;
