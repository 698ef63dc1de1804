-- Live events are announced to other processes after commit, by the process
-- that wrote them (store/notify.go), no longer by a trigger in the writing
-- transaction: a NOTIFY makes a commit take a lock that PostgreSQL holds for
-- all notifying commits of the database across their WAL flush, so every
-- write of the product committed one after another (D1).

-- +goose Up
DROP TRIGGER IF EXISTS live_events_notify ON live_events;
DROP FUNCTION IF EXISTS beseda_notify_live_events();

-- +goose Down
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
