-- Standard messages speak the client's language: the language a client's
-- app or browser reports is kept on the subscriber, and a workspace keeps
-- its texts per language (the rest take that language's defaults). The
-- texts a workspace had are its own language's.

-- +goose Up
ALTER TABLE subscribers ADD COLUMN locale TEXT NOT NULL DEFAULT '';

CREATE TABLE standard_message_texts (
    workspace_id      BIGINT NOT NULL REFERENCES workspaces (id),
    locale            TEXT    NOT NULL,
    rating_prompt     TEXT    NOT NULL,
    caption_bad       TEXT    NOT NULL,
    caption_normal    TEXT    NOT NULL,
    caption_excellent TEXT    NOT NULL,
    thank_you         TEXT    NOT NULL,
    updated_at        BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, locale)
);
INSERT INTO standard_message_texts (workspace_id, locale, rating_prompt, caption_bad, caption_normal,
    caption_excellent, thank_you, updated_at)
SELECT s.workspace_id, w.locale, s.rating_prompt, s.caption_bad, s.caption_normal, s.caption_excellent,
    s.thank_you, s.updated_at
FROM standard_messages s JOIN workspaces w ON w.id = s.workspace_id;
DROP TABLE standard_messages;

-- +goose Down
CREATE TABLE standard_messages (
    workspace_id      BIGINT PRIMARY KEY REFERENCES workspaces (id),
    rating_prompt     TEXT    NOT NULL,
    caption_bad       TEXT    NOT NULL,
    caption_normal    TEXT    NOT NULL,
    caption_excellent TEXT    NOT NULL,
    thank_you         TEXT    NOT NULL,
    updated_at        BIGINT NOT NULL
);
INSERT INTO standard_messages (workspace_id, rating_prompt, caption_bad, caption_normal, caption_excellent,
    thank_you, updated_at)
SELECT t.workspace_id, t.rating_prompt, t.caption_bad, t.caption_normal, t.caption_excellent, t.thank_you, t.updated_at
FROM standard_message_texts t JOIN workspaces w ON w.id = t.workspace_id AND w.locale = t.locale;
DROP TABLE IF EXISTS standard_message_texts;
ALTER TABLE subscribers DROP COLUMN locale;
