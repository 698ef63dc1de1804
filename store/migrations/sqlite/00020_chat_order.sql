-- Held automation released when a dialog ends is shown in the chat where it
-- was released — after everything said before the release — not at the
-- place it was produced, which the client and the managers have scrolled
-- past. A message's place in its chat is twice its id; a released message
-- takes the odd place just after the chat's last message at the release
-- (chat_place), and released messages among themselves keep their
-- production order by id. released_at is when that happened; created_at
-- stays the time it was produced.

-- +goose Up
ALTER TABLE messages ADD COLUMN released_at INTEGER;
ALTER TABLE messages ADD COLUMN chat_place INTEGER;
-- The chat's pages, its cursors and its last message, in chat order.
DROP INDEX messages_subscriber;
CREATE INDEX messages_chat ON messages (subscriber_id, (coalesce(chat_place, 2 * id)), id);

-- +goose Down
DROP INDEX messages_chat;
CREATE INDEX messages_subscriber ON messages (subscriber_id, id);
ALTER TABLE messages DROP COLUMN chat_place;
ALTER TABLE messages DROP COLUMN released_at;
