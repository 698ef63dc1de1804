-- The console's chat list marks chats with client messages no manager has
-- opened since.

-- +goose Up
ALTER TABLE subscribers ADD COLUMN read_at INTEGER;

-- +goose Down
ALTER TABLE subscribers DROP COLUMN read_at;
