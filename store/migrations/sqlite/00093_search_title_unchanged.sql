-- A dialog's status change writes its row with the same title: the title's
-- search row is written again only when the title changed (it was deleted
-- and inserted on every status change, inside the single writer's turn).
-- The same for a client's name and a message's text.

-- +goose Up
DROP TRIGGER dialogs_fts_update;
-- +goose StatementBegin
CREATE TRIGGER dialogs_fts_update AFTER UPDATE OF title ON dialogs WHEN old.title IS NOT new.title BEGIN
    DELETE FROM dialogs_fts WHERE rowid = old.id;
    INSERT INTO dialogs_fts (rowid, body) VALUES (new.id, beseda_search_text(new.title));
END;
-- +goose StatementEnd
DROP TRIGGER subscribers_fts_update;
-- +goose StatementBegin
CREATE TRIGGER subscribers_fts_update AFTER UPDATE OF name, external_id ON subscribers
    WHEN old.name IS NOT new.name OR old.external_id IS NOT new.external_id BEGIN
    DELETE FROM subscribers_fts WHERE rowid = old.id;
    INSERT INTO subscribers_fts (rowid, body) VALUES (new.id, beseda_search_text(new.name || ' ' || new.external_id));
END;
-- +goose StatementEnd
DROP TRIGGER messages_fts_update;
-- +goose StatementBegin
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages WHEN old.text IS NOT new.text BEGIN
    DELETE FROM messages_fts WHERE rowid = old.id;
    INSERT INTO messages_fts (rowid, body) SELECT new.id, beseda_search_text(new.text) WHERE new.text <> '';
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER dialogs_fts_update;
-- +goose StatementBegin
CREATE TRIGGER dialogs_fts_update AFTER UPDATE OF title ON dialogs BEGIN
    DELETE FROM dialogs_fts WHERE rowid = old.id;
    INSERT INTO dialogs_fts (rowid, body) VALUES (new.id, beseda_search_text(new.title));
END;
-- +goose StatementEnd
DROP TRIGGER subscribers_fts_update;
-- +goose StatementBegin
CREATE TRIGGER subscribers_fts_update AFTER UPDATE OF name, external_id ON subscribers BEGIN
    DELETE FROM subscribers_fts WHERE rowid = old.id;
    INSERT INTO subscribers_fts (rowid, body) VALUES (new.id, beseda_search_text(new.name || ' ' || new.external_id));
END;
-- +goose StatementEnd
DROP TRIGGER messages_fts_update;
-- +goose StatementBegin
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = old.id;
    INSERT INTO messages_fts (rowid, body) SELECT new.id, beseda_search_text(new.text) WHERE new.text <> '';
END;
-- +goose StatementEnd
