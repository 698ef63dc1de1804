-- Unread is per manager: each manager's read mark of each chat they opened,
-- one row written when they open it. subscribers.read_at, the mark every
-- manager shared before, stays as the mark of those who have none yet.

-- +goose Up
CREATE TABLE chat_reads (
    user_id       INTEGER NOT NULL REFERENCES users (id),
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id),
    read_at       INTEGER NOT NULL,
    PRIMARY KEY (user_id, subscriber_id)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE chat_reads;
