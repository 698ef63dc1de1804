-- Full-text search (issue 21). FTS5 cannot stem, so each index holds the
-- Snowball stems of the text, made by beseda_search_text (a Go function the
-- store registers on every SQLite connection: beseda.SearchText), and
-- unicode61 with remove_diacritics 2 folds case and ё/е once more. The
-- tables are contentless (the text lives in messages, subscribers, dialogs;
-- hits are joined back by rowid) and kept by triggers, so an index row is
-- written in the same transaction as its row: the index cannot disagree with
-- the messages, also after a crash. Existing rows are indexed here, in the
-- migration's one transaction.

-- +goose Up
CREATE VIRTUAL TABLE messages_fts USING fts5 (body, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO messages_fts (rowid, body) SELECT id, beseda_search_text(text) FROM messages WHERE text <> '';

-- +goose StatementBegin
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.text <> '' BEGIN
    INSERT INTO messages_fts (rowid, body) VALUES (new.id, beseda_search_text(new.text));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = old.id;
    INSERT INTO messages_fts (rowid, body) SELECT new.id, beseda_search_text(new.text) WHERE new.text <> '';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = old.id;
END;
-- +goose StatementEnd

-- Clients: name and platform id (a WhatsApp client's phone number).
CREATE VIRTUAL TABLE subscribers_fts USING fts5 (body, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO subscribers_fts (rowid, body) SELECT id, beseda_search_text(name || ' ' || external_id) FROM subscribers;

-- +goose StatementBegin
CREATE TRIGGER subscribers_fts_insert AFTER INSERT ON subscribers BEGIN
    INSERT INTO subscribers_fts (rowid, body) VALUES (new.id, beseda_search_text(new.name || ' ' || new.external_id));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER subscribers_fts_update AFTER UPDATE OF name, external_id ON subscribers BEGIN
    DELETE FROM subscribers_fts WHERE rowid = old.id;
    INSERT INTO subscribers_fts (rowid, body) VALUES (new.id, beseda_search_text(new.name || ' ' || new.external_id));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER subscribers_fts_delete AFTER DELETE ON subscribers BEGIN
    DELETE FROM subscribers_fts WHERE rowid = old.id;
END;
-- +goose StatementEnd

-- Dialogs: the title (types, reasons and components are short lists,
-- matched by name in the store and joined by their link tables).
CREATE VIRTUAL TABLE dialogs_fts USING fts5 (body, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO dialogs_fts (rowid, body) SELECT id, beseda_search_text(title) FROM dialogs;

-- +goose StatementBegin
CREATE TRIGGER dialogs_fts_insert AFTER INSERT ON dialogs BEGIN
    INSERT INTO dialogs_fts (rowid, body) VALUES (new.id, beseda_search_text(new.title));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER dialogs_fts_update AFTER UPDATE OF title ON dialogs BEGIN
    DELETE FROM dialogs_fts WHERE rowid = old.id;
    INSERT INTO dialogs_fts (rowid, body) VALUES (new.id, beseda_search_text(new.title));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER dialogs_fts_delete AFTER DELETE ON dialogs BEGIN
    DELETE FROM dialogs_fts WHERE rowid = old.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER dialogs_fts_delete;
DROP TRIGGER dialogs_fts_update;
DROP TRIGGER dialogs_fts_insert;
DROP TABLE dialogs_fts;
DROP TRIGGER subscribers_fts_delete;
DROP TRIGGER subscribers_fts_update;
DROP TRIGGER subscribers_fts_insert;
DROP TABLE subscribers_fts;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
DROP TRIGGER messages_fts_insert;
DROP TABLE messages_fts;
