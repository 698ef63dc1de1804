-- The write path in fewer round trips.

-- +goose Up
-- A client's active dialog, kept on the client's row: the statement that
-- locks the row reads it fresh (C3, G1, W1, W2 all ask "is there an active
-- dialog?" under that lock). dialogs_one_active still holds the rule; a
-- trigger keeps the column in step with the dialogs' statuses, whoever
-- writes them.
ALTER TABLE subscribers ADD COLUMN active_dialog_id BIGINT REFERENCES dialogs (id);
UPDATE subscribers s SET active_dialog_id = d.id FROM dialogs d WHERE d.subscriber_id = s.id AND d.status = 'active';
-- +goose StatementBegin
CREATE FUNCTION beseda_track_active_dialog() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'active' THEN
        UPDATE subscribers SET active_dialog_id = NEW.id
        WHERE id = NEW.subscriber_id AND active_dialog_id IS DISTINCT FROM NEW.id;
    ELSIF TG_OP = 'UPDATE' AND OLD.status = 'active' THEN
        UPDATE subscribers SET active_dialog_id = NULL WHERE id = NEW.subscriber_id AND active_dialog_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER dialogs_track_active AFTER INSERT OR UPDATE OF status ON dialogs
    FOR EACH ROW EXECUTE FUNCTION beseda_track_active_dialog();

-- Live events wake the hubs of other processes (LISTEN/NOTIFY) from the
-- server side, once per inserting statement, instead of a pg_notify round
-- trip from every transaction. NOTIFY is delivered at commit and folded
-- within a transaction.
-- +goose StatementBegin
CREATE FUNCTION beseda_notify_live_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('beseda_events', '');
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER live_events_notify AFTER INSERT ON live_events
    FOR EACH STATEMENT EXECUTE FUNCTION beseda_notify_live_events();

-- +goose Down
DROP TRIGGER IF EXISTS live_events_notify ON live_events;
DROP FUNCTION IF EXISTS beseda_notify_live_events();
DROP TRIGGER IF EXISTS dialogs_track_active ON dialogs;
DROP FUNCTION IF EXISTS beseda_track_active_dialog();
ALTER TABLE subscribers DROP COLUMN active_dialog_id;
