-- WhatsApp's message templates, synced per channel from the platform (the
-- whole list replaces the last one), and on messages: the template a
-- message was sent as, and the template automation gave as the fallback for
-- a closed window (JSON of beseda.TemplateRef, with its rendered text).

-- +goose Up
CREATE TABLE message_templates (
    channel_id      BIGINT NOT NULL REFERENCES channels (id),
    name            TEXT    NOT NULL,
    language        TEXT    NOT NULL,
    category        TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    parameter_count INTEGER NOT NULL,
    header          TEXT    NOT NULL,
    buttons         TEXT    NOT NULL,
    synced_at       BIGINT  NOT NULL,
    PRIMARY KEY (channel_id, name, language)
);
ALTER TABLE messages ADD COLUMN template TEXT;
ALTER TABLE messages ADD COLUMN fallback TEXT;

-- +goose Down
ALTER TABLE messages DROP COLUMN fallback;
ALTER TABLE messages DROP COLUMN template;
DROP TABLE message_templates;
