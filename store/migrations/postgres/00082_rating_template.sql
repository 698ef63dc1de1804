-- The message template a workspace's rating form goes as when the client's
-- window is closed (WhatsApp): its quick-reply buttons are the form's three.

-- +goose Up
CREATE TABLE rating_templates (
    workspace_id BIGINT PRIMARY KEY REFERENCES workspaces (id),
    name         TEXT   NOT NULL,
    language     TEXT   NOT NULL,
    updated_at   BIGINT NOT NULL
);

-- +goose Down
DROP TABLE rating_templates;
