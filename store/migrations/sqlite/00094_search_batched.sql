-- SQLite's search index is written in batches (issue 21, the write path).
-- FTS5 writes a new segment of its index for every transaction that adds
-- to it, and merges those segments as they pile up: with a row of the index
-- written in each request's transaction, that cost the load test about a
-- fifth of its cycles. Now a write only notes which row of which table the
-- index must catch up with, in search_pending, in the same transaction; the
-- store indexes the noted rows in batches (a periodic job, and before every
-- search, so that a search finds what was written before it), each batch in
-- one transaction that also clears its notes. So the index never disagrees
-- with the rows after a crash either: a row's note and the row commit
-- together, and a batch and the clearing of its notes commit together.
--
-- The rule the triggers keep: a row with no note has exactly its current
-- words in the index (none for a message without text). indexed = 1 says the
-- index may hold the row's older words, to be deleted before its current
-- ones are added; 0 that it holds none (a row added since the last batch).
-- A note already there is kept: it still says the right thing.
-- kind: 1 messages, 2 subscribers, 3 dialogs (store/search_index.go).

-- +goose Up
CREATE TABLE search_pending (
    kind INTEGER NOT NULL,
    row_id INTEGER NOT NULL,
    indexed INTEGER NOT NULL,
    PRIMARY KEY (kind, row_id)
) WITHOUT ROWID;

DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_update;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER subscribers_fts_insert;
DROP TRIGGER subscribers_fts_update;
DROP TRIGGER subscribers_fts_delete;
DROP TRIGGER dialogs_fts_insert;
DROP TRIGGER dialogs_fts_update;
DROP TRIGGER dialogs_fts_delete;

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

-- +goose Down
-- The rows noted and not yet indexed are indexed first, as a batch would.
DELETE FROM messages_fts WHERE rowid IN (SELECT row_id FROM search_pending WHERE kind = 1 AND indexed = 1);
INSERT INTO messages_fts (rowid, body) SELECT m.id, beseda_search_text(m.text)
    FROM search_pending p JOIN messages m ON m.id = p.row_id WHERE p.kind = 1 AND m.text <> '';
DELETE FROM subscribers_fts WHERE rowid IN (SELECT row_id FROM search_pending WHERE kind = 2 AND indexed = 1);
INSERT INTO subscribers_fts (rowid, body) SELECT s.id, beseda_search_text(s.name || ' ' || s.external_id)
    FROM search_pending p JOIN subscribers s ON s.id = p.row_id WHERE p.kind = 2;
DELETE FROM dialogs_fts WHERE rowid IN (SELECT row_id FROM search_pending WHERE kind = 3 AND indexed = 1);
INSERT INTO dialogs_fts (rowid, body) SELECT d.id, beseda_search_text(d.title)
    FROM search_pending p JOIN dialogs d ON d.id = p.row_id WHERE p.kind = 3;
DROP TRIGGER dialogs_search_delete;
DROP TRIGGER dialogs_search_update;
DROP TRIGGER dialogs_search_insert;
DROP TRIGGER subscribers_search_delete;
DROP TRIGGER subscribers_search_update;
DROP TRIGGER subscribers_search_insert;
DROP TRIGGER messages_search_delete;
DROP TRIGGER messages_search_update;
DROP TRIGGER messages_search_insert;
DROP TABLE search_pending;
-- +goose StatementBegin
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.text <> '' BEGIN
    INSERT INTO messages_fts (rowid, body) VALUES (new.id, beseda_search_text(new.text));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages WHEN old.text IS NOT new.text BEGIN
    DELETE FROM messages_fts WHERE rowid = old.id;
    INSERT INTO messages_fts (rowid, body) SELECT new.id, beseda_search_text(new.text) WHERE new.text <> '';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = old.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER subscribers_fts_insert AFTER INSERT ON subscribers BEGIN
    INSERT INTO subscribers_fts (rowid, body) VALUES (new.id, beseda_search_text(new.name || ' ' || new.external_id));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER subscribers_fts_update AFTER UPDATE OF name, external_id ON subscribers
    WHEN old.name IS NOT new.name OR old.external_id IS NOT new.external_id BEGIN
    DELETE FROM subscribers_fts WHERE rowid = old.id;
    INSERT INTO subscribers_fts (rowid, body) VALUES (new.id, beseda_search_text(new.name || ' ' || new.external_id));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER subscribers_fts_delete AFTER DELETE ON subscribers BEGIN
    DELETE FROM subscribers_fts WHERE rowid = old.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER dialogs_fts_insert AFTER INSERT ON dialogs BEGIN
    INSERT INTO dialogs_fts (rowid, body) VALUES (new.id, beseda_search_text(new.title));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER dialogs_fts_update AFTER UPDATE OF title ON dialogs WHEN old.title IS NOT new.title BEGIN
    DELETE FROM dialogs_fts WHERE rowid = old.id;
    INSERT INTO dialogs_fts (rowid, body) VALUES (new.id, beseda_search_text(new.title));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER dialogs_fts_delete AFTER DELETE ON dialogs BEGIN
    DELETE FROM dialogs_fts WHERE rowid = old.id;
END;
-- +goose StatementEnd
