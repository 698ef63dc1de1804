-- Unread is per manager: each manager's read mark of each chat they opened,
-- one row written when they open it. subscribers.read_at, the mark every
-- manager shared before, stays as the mark of those who have none yet.

-- +goose Up
CREATE TABLE chat_reads (
    user_id       BIGINT NOT NULL REFERENCES users (id),
    subscriber_id BIGINT NOT NULL REFERENCES subscribers (id),
    read_at       BIGINT NOT NULL,
    PRIMARY KEY (user_id, subscriber_id)
);

-- +goose Down
DROP TABLE IF EXISTS chat_reads;
