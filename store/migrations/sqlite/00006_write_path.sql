-- The write path in fewer round trips.

-- +goose Up
-- A client's active dialog, kept on the client's row: the statement that
-- locks the row reads it fresh (C3, G1, W1, W2 all ask "is there an active
-- dialog?" under that lock). dialogs_one_active still holds the rule; a
-- trigger keeps the column in step with the dialogs' statuses, whoever
-- writes them.
ALTER TABLE subscribers ADD COLUMN active_dialog_id INTEGER REFERENCES dialogs (id);
UPDATE subscribers SET active_dialog_id =
    (SELECT d.id FROM dialogs d WHERE d.subscriber_id = subscribers.id AND d.status = 'active');
-- +goose StatementBegin
CREATE TRIGGER dialogs_active_insert AFTER INSERT ON dialogs WHEN NEW.status = 'active' BEGIN
    UPDATE subscribers SET active_dialog_id = NEW.id WHERE id = NEW.subscriber_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER dialogs_active_update AFTER UPDATE OF status ON dialogs WHEN NEW.status <> OLD.status BEGIN
    UPDATE subscribers SET active_dialog_id = CASE WHEN NEW.status = 'active' THEN NEW.id END
    WHERE id = NEW.subscriber_id AND (NEW.status = 'active' OR active_dialog_id = NEW.id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER IF EXISTS dialogs_active_update;
DROP TRIGGER IF EXISTS dialogs_active_insert;
ALTER TABLE subscribers DROP COLUMN active_dialog_id;
