-- Ratings, standard messages, messenger webhooks and the dialogs report.

-- +goose Up
-- The rating form sent on completion (R2): its delivery failing is reported
-- on the dialog.
ALTER TABLE dialogs ADD COLUMN rating_form_message_id BIGINT REFERENCES messages (id);
CREATE INDEX dialogs_rating_form ON dialogs (rating_form_message_id) WHERE rating_form_message_id IS NOT NULL;

-- The report (L2) reads these columns of a workspace's dialogs over a period;
-- the index covers them, so the totals never touch the table.
DROP INDEX IF EXISTS dialogs_workspace_created;
CREATE INDEX dialogs_report ON dialogs (workspace_id, created_at, status, type_id, completed_at, account_rating, client_rating);
-- Report rows and the CSV export page through a workspace's dialogs by id.
CREATE INDEX dialogs_workspace ON dialogs (workspace_id, id);

-- Texts a workspace changed; the rest take the locale's defaults.
CREATE TABLE standard_messages (
    workspace_id      BIGINT PRIMARY KEY REFERENCES workspaces (id),
    rating_prompt     TEXT    NOT NULL,
    caption_bad       TEXT    NOT NULL,
    caption_normal    TEXT    NOT NULL,
    caption_excellent TEXT    NOT NULL,
    thank_you         TEXT    NOT NULL,
    updated_at        BIGINT NOT NULL
);

-- Messengers deliver a webhook again when unsure it arrived; an update is
-- acted on once (Telegram update_id, Messenger mid).
CREATE TABLE inbound_updates (
    channel_id  BIGINT NOT NULL REFERENCES channels (id),
    update_key  TEXT    NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (channel_id, update_key)
);

-- +goose Down
DROP TABLE IF EXISTS inbound_updates;
DROP TABLE IF EXISTS standard_messages;
DROP INDEX IF EXISTS dialogs_workspace;
DROP INDEX IF EXISTS dialogs_report;
CREATE INDEX dialogs_workspace_created ON dialogs (workspace_id, created_at);
DROP INDEX IF EXISTS dialogs_rating_form;
ALTER TABLE dialogs DROP COLUMN rating_form_message_id;
