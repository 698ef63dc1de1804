-- Full-text search (issue 21): a tsvector per message, client and dialog,
-- a generated column, so that PostgreSQL writes it in the statement that
-- writes the row (it cannot disagree with the text, also after a crash), with
-- a GIN index. The russian configuration stems Cyrillic words with the
-- Russian Snowball stemmer and Latin ones with the English one (its
-- asciiword mapping), so one vector serves both languages; ё is folded to е
-- first, and <, > and & become spaces (else the parser takes what a client
-- typed for HTML: it drops "<script>…</script>" with the words inside). Adding the columns computes them for every existing row, in the
-- migration's one transaction.

-- +goose Up
ALTER TABLE messages ADD COLUMN search_tsv tsvector
    GENERATED ALWAYS AS (to_tsvector('russian', translate(text, 'ёЁ<>&', 'еЕ   '))) STORED;
CREATE INDEX messages_search ON messages USING gin (search_tsv);

-- Clients: name and platform id (a WhatsApp client's phone number).
ALTER TABLE subscribers ADD COLUMN search_tsv tsvector
    GENERATED ALWAYS AS (to_tsvector('russian', translate(name || ' ' || external_id, 'ёЁ<>&', 'еЕ   '))) STORED;
CREATE INDEX subscribers_search ON subscribers USING gin (search_tsv);

-- Dialogs: the title (types, reasons and components are short lists,
-- matched by name in the store and joined by their link tables).
ALTER TABLE dialogs ADD COLUMN search_tsv tsvector
    GENERATED ALWAYS AS (to_tsvector('russian', translate(title, 'ёЁ<>&', 'еЕ   '))) STORED;
CREATE INDEX dialogs_search ON dialogs USING gin (search_tsv);

-- +goose Down
DROP INDEX dialogs_search;
ALTER TABLE dialogs DROP COLUMN search_tsv;
DROP INDEX subscribers_search;
ALTER TABLE subscribers DROP COLUMN search_tsv;
DROP INDEX messages_search;
ALTER TABLE messages DROP COLUMN search_tsv;
