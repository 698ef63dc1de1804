-- SQLite's search index: a new row is no longer noted (issue 22, the write
-- path). Migration 00094 noted every row a write added, changed or deleted
-- in search_pending, for the batches to index: for a new message or dialog
-- that note was one more page of the write-ahead log in its request's
-- transaction, and one more row for the batch to clear. Rows are mostly
-- added, with ids above every indexed one; so the store now keeps, per
-- table, the highest id the index has caught up with (search_indexed_upto),
-- and a batch indexes the rows above it, as well as the noted ones, and
-- moves it up. Only rows at or below it are noted: changed or deleted after
-- they were indexed, or added under an id SQLite gave again (the largest
-- id, after that row was deleted).
--
-- The rule the triggers keep, with upto the table's row of
-- search_indexed_upto: a row whose id is at most upto and that has no note
-- has exactly its current words in the index; a row above upto has none
-- (upto only grows, and the index gains a row's words only once upto has
-- passed it), nor a note. A note keeps 00094's meaning (indexed = 1: the
-- index may hold older words of the row).

-- +goose Up
CREATE TABLE search_indexed_upto (
    kind INTEGER PRIMARY KEY,
    row_id INTEGER NOT NULL
);
-- Everything here now is indexed or noted (00094's rule).
INSERT INTO search_indexed_upto (kind, row_id) VALUES
    (1, (SELECT coalesce(max(id), 0) FROM messages)),
    (2, (SELECT coalesce(max(id), 0) FROM subscribers)),
    (3, (SELECT coalesce(max(id), 0) FROM dialogs));

DROP TRIGGER messages_search_insert;
DROP TRIGGER messages_search_update;
DROP TRIGGER messages_search_delete;
DROP TRIGGER subscribers_search_insert;
DROP TRIGGER subscribers_search_update;
DROP TRIGGER subscribers_search_delete;
DROP TRIGGER dialogs_search_insert;
DROP TRIGGER dialogs_search_update;
DROP TRIGGER dialogs_search_delete;

-- +goose StatementBegin
CREATE TRIGGER messages_search_insert AFTER INSERT ON messages WHEN new.text <> '' AND new.id <= (SELECT row_id FROM search_indexed_upto WHERE kind = 1) BEGIN
    INSERT INTO search_pending (kind, row_id, indexed) VALUES (1, new.id, 0) ON CONFLICT DO NOTHING;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER messages_search_update AFTER UPDATE OF text ON messages
    WHEN old.text IS NOT new.text AND new.id <= (SELECT row_id FROM search_indexed_upto WHERE kind = 1) BEGIN
    INSERT INTO search_pending (kind, row_id, indexed) VALUES (1, new.id, old.text <> '') ON CONFLICT DO NOTHING;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER messages_search_delete AFTER DELETE ON messages WHEN old.text <> '' AND old.id <= (SELECT row_id FROM search_indexed_upto WHERE kind = 1) BEGIN
    INSERT INTO search_pending (kind, row_id, indexed) VALUES (1, old.id, 1) ON CONFLICT DO NOTHING;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER subscribers_search_insert AFTER INSERT ON subscribers WHEN new.id <= (SELECT row_id FROM search_indexed_upto WHERE kind = 2) BEGIN
    INSERT INTO search_pending (kind, row_id, indexed) VALUES (2, new.id, 0) ON CONFLICT DO NOTHING;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER subscribers_search_update AFTER UPDATE OF name, external_id ON subscribers
    WHEN (old.name IS NOT new.name OR old.external_id IS NOT new.external_id) AND new.id <= (SELECT row_id FROM search_indexed_upto WHERE kind = 2) BEGIN
    INSERT INTO search_pending (kind, row_id, indexed) VALUES (2, new.id, 1) ON CONFLICT DO NOTHING;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER subscribers_search_delete AFTER DELETE ON subscribers WHEN old.id <= (SELECT row_id FROM search_indexed_upto WHERE kind = 2) BEGIN
    INSERT INTO search_pending (kind, row_id, indexed) VALUES (2, old.id, 1) ON CONFLICT DO NOTHING;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER dialogs_search_insert AFTER INSERT ON dialogs WHEN new.id <= (SELECT row_id FROM search_indexed_upto WHERE kind = 3) BEGIN
    INSERT INTO search_pending (kind, row_id, indexed) VALUES (3, new.id, 0) ON CONFLICT DO NOTHING;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER dialogs_search_update AFTER UPDATE OF title ON dialogs WHEN old.title IS NOT new.title AND new.id <= (SELECT row_id FROM search_indexed_upto WHERE kind = 3) BEGIN
    INSERT INTO search_pending (kind, row_id, indexed) VALUES (3, new.id, 1) ON CONFLICT DO NOTHING;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER dialogs_search_delete AFTER DELETE ON dialogs WHEN old.id <= (SELECT row_id FROM search_indexed_upto WHERE kind = 3) BEGIN
    INSERT INTO search_pending (kind, row_id, indexed) VALUES (3, old.id, 1) ON CONFLICT DO NOTHING;
END;
-- +goose StatementEnd

-- +goose Down
-- The rows above the marks are indexed first, as a batch would: 00094's
-- rule has every row without a note indexed.
INSERT INTO messages_fts (rowid, body) SELECT m.id, beseda_search_text(m.text)
    FROM messages m WHERE m.id > (SELECT row_id FROM search_indexed_upto WHERE kind = 1) AND m.text <> '';
INSERT INTO subscribers_fts (rowid, body) SELECT s.id, beseda_search_text(s.name || ' ' || s.external_id)
    FROM subscribers s WHERE s.id > (SELECT row_id FROM search_indexed_upto WHERE kind = 2) AND 1;
INSERT INTO dialogs_fts (rowid, body) SELECT d.id, beseda_search_text(d.title)
    FROM dialogs d WHERE d.id > (SELECT row_id FROM search_indexed_upto WHERE kind = 3) AND 1;
DROP TRIGGER messages_search_insert;
DROP TRIGGER messages_search_update;
DROP TRIGGER messages_search_delete;
DROP TRIGGER subscribers_search_insert;
DROP TRIGGER subscribers_search_update;
DROP TRIGGER subscribers_search_delete;
DROP TRIGGER dialogs_search_insert;
DROP TRIGGER dialogs_search_update;
DROP TRIGGER dialogs_search_delete;
DROP TABLE search_indexed_upto;

-- +goose StatementBegin
CREATE TRIGGER messages_search_insert AFTER INSERT ON messages WHEN new.text <> '' BEGIN
    INSERT INTO search_pending (kind, row_id, indexed) VALUES (1, new.id, 0) ON CONFLICT DO NOTHING;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER messages_search_update AFTER UPDATE OF text ON messages WHEN old.text IS NOT new.text BEGIN
    INSERT INTO search_pending (kind, row_id, indexed) VALUES (1, new.id, old.text <> '') ON CONFLICT DO NOTHING;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER messages_search_delete AFTER DELETE ON messages WHEN old.text <> '' BEGIN
    INSERT INTO search_pending (kind, row_id, indexed) VALUES (1, old.id, 1) ON CONFLICT DO NOTHING;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER subscribers_search_insert AFTER INSERT ON subscribers BEGIN
    INSERT INTO search_pending (kind, row_id, indexed) VALUES (2, new.id, 0) ON CONFLICT DO NOTHING;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER subscribers_search_update AFTER UPDATE OF name, external_id ON subscribers
    WHEN old.name IS NOT new.name OR old.external_id IS NOT new.external_id BEGIN
    INSERT INTO search_pending (kind, row_id, indexed) VALUES (2, new.id, 1) ON CONFLICT DO NOTHING;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER subscribers_search_delete AFTER DELETE ON subscribers BEGIN
    INSERT INTO search_pending (kind, row_id, indexed) VALUES (2, old.id, 1) ON CONFLICT DO NOTHING;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER dialogs_search_insert AFTER INSERT ON dialogs BEGIN
    INSERT INTO search_pending (kind, row_id, indexed) VALUES (3, new.id, 0) ON CONFLICT DO NOTHING;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER dialogs_search_update AFTER UPDATE OF title ON dialogs WHEN old.title IS NOT new.title BEGIN
    INSERT INTO search_pending (kind, row_id, indexed) VALUES (3, new.id, 1) ON CONFLICT DO NOTHING;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER dialogs_search_delete AFTER DELETE ON dialogs BEGIN
    INSERT INTO search_pending (kind, row_id, indexed) VALUES (3, old.id, 1) ON CONFLICT DO NOTHING;
END;
-- +goose StatementEnd
