-- The SLA report's sums kept as the figures change (rule T6, issue 22).
--
-- sla_rollup: per workspace, manager (user_id 0: every dialog once), hour
-- of creation (UTC, created_at / 3,600,000) and dialog type, what
-- store.SLAReport adds up: dialogs with an SLA, attained (no target missed),
-- first responses and resolutions with their working time. A year of a
-- million dialogs is about a hundred thousand rows, read in tens of
-- milliseconds where the dialogs themselves took seconds; a day of a time
-- zone with whole-hour offsets is a range of hours. The report reads the
-- dialogs instead for filters these rows cannot answer (status, reason,
-- component, manager; bounds or days off the hour).
--
-- sla_rollup_dialogs: what each dialog adds now, one row for user 0 and
-- one per participant. When a dialog's SLA figures, participants or type
-- change, a trigger takes its rows out of the sums and puts the dialog's
-- current ones in ("sync"): the same whatever the order in which the
-- triggers of one statement fire and whatever each of them sees (on
-- PostgreSQL the deferred writes of a use case are one statement, and its
-- row triggers fire at its end), so a dialog is never counted twice.

-- +goose Up
CREATE TABLE sla_rollup (
    workspace_id      INTEGER NOT NULL,
    user_id           INTEGER NOT NULL,
    created_hour      INTEGER NOT NULL,
    type_id           INTEGER NOT NULL,
    dialogs           INTEGER NOT NULL,
    attained          INTEGER NOT NULL,
    first_responses   INTEGER NOT NULL,
    first_response_ms INTEGER NOT NULL,
    resolutions       INTEGER NOT NULL,
    resolution_ms     INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, user_id, created_hour, type_id)
) WITHOUT ROWID;

CREATE TABLE sla_rollup_dialogs (
    dialog_id         INTEGER NOT NULL,
    user_id           INTEGER NOT NULL,
    workspace_id      INTEGER NOT NULL,
    created_hour      INTEGER NOT NULL,
    type_id           INTEGER NOT NULL,
    attained          INTEGER NOT NULL,
    first_response_ms INTEGER,
    resolution_ms     INTEGER,
    PRIMARY KEY (dialog_id, user_id)
) WITHOUT ROWID;

INSERT INTO sla_rollup_dialogs (dialog_id, user_id, workspace_id, created_hour, type_id, attained, first_response_ms, resolution_ms)
SELECT s.dialog_id, u.user_id, d.workspace_id, d.created_at / 3600000, d.type_id, CASE WHEN s.missed = 0 THEN 1 ELSE 0 END,
    s.first_response_ms, s.resolution_ms
FROM dialog_sla s JOIN dialogs d ON d.id = s.dialog_id
JOIN (SELECT dialog_id, 0 AS user_id FROM dialog_sla UNION ALL SELECT dialog_id, user_id FROM dialog_participants) u ON u.dialog_id = s.dialog_id;
INSERT INTO sla_rollup (workspace_id, user_id, created_hour, type_id, dialogs, attained, first_responses, first_response_ms, resolutions, resolution_ms)
SELECT workspace_id, user_id, created_hour, type_id, count(*), sum(attained), count(first_response_ms), coalesce(sum(first_response_ms), 0),
    count(resolution_ms), coalesce(sum(resolution_ms), 0)
FROM sla_rollup_dialogs GROUP BY workspace_id, user_id, created_hour, type_id;

-- In a trigger's INSERT … SELECT the WHERE keeps SQLite from reading the
-- upsert's ON as a join's.
-- +goose StatementBegin
CREATE TRIGGER dialog_sla_rollup_insert AFTER INSERT ON dialog_sla
BEGIN
    INSERT INTO sla_rollup (workspace_id, user_id, created_hour, type_id, dialogs, attained, first_responses, first_response_ms, resolutions, resolution_ms)
    SELECT workspace_id, user_id, created_hour, type_id, -1, -attained, -(CASE WHEN first_response_ms IS NULL THEN 0 ELSE 1 END),
        -coalesce(first_response_ms, 0), -(CASE WHEN resolution_ms IS NULL THEN 0 ELSE 1 END), -coalesce(resolution_ms, 0)
    FROM sla_rollup_dialogs WHERE dialog_id = NEW.dialog_id
    ON CONFLICT (workspace_id, user_id, created_hour, type_id) DO UPDATE SET dialogs = dialogs + excluded.dialogs,
        attained = attained + excluded.attained, first_responses = first_responses + excluded.first_responses,
        first_response_ms = first_response_ms + excluded.first_response_ms, resolutions = resolutions + excluded.resolutions,
        resolution_ms = resolution_ms + excluded.resolution_ms;
    DELETE FROM sla_rollup_dialogs WHERE dialog_id = NEW.dialog_id;
    INSERT INTO sla_rollup_dialogs (dialog_id, user_id, workspace_id, created_hour, type_id, attained, first_response_ms, resolution_ms)
    SELECT s.dialog_id, u.user_id, d.workspace_id, d.created_at / 3600000, d.type_id, CASE WHEN s.missed = 0 THEN 1 ELSE 0 END,
        s.first_response_ms, s.resolution_ms
    FROM dialog_sla s, dialogs d, (SELECT 0 AS user_id UNION ALL SELECT user_id FROM dialog_participants WHERE dialog_id = NEW.dialog_id) u
    WHERE s.dialog_id = NEW.dialog_id AND d.id = NEW.dialog_id;
    INSERT INTO sla_rollup (workspace_id, user_id, created_hour, type_id, dialogs, attained, first_responses, first_response_ms, resolutions, resolution_ms)
    SELECT workspace_id, user_id, created_hour, type_id, 1, attained, (CASE WHEN first_response_ms IS NULL THEN 0 ELSE 1 END),
        coalesce(first_response_ms, 0), (CASE WHEN resolution_ms IS NULL THEN 0 ELSE 1 END), coalesce(resolution_ms, 0)
    FROM sla_rollup_dialogs WHERE dialog_id = NEW.dialog_id
    ON CONFLICT (workspace_id, user_id, created_hour, type_id) DO UPDATE SET dialogs = dialogs + excluded.dialogs,
        attained = attained + excluded.attained, first_responses = first_responses + excluded.first_responses,
        first_response_ms = first_response_ms + excluded.first_response_ms, resolutions = resolutions + excluded.resolutions,
        resolution_ms = resolution_ms + excluded.resolution_ms;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER dialog_sla_rollup_update AFTER UPDATE OF missed, first_response_ms, resolution_ms ON dialog_sla
WHEN OLD.missed IS NOT NEW.missed OR OLD.first_response_ms IS NOT NEW.first_response_ms OR OLD.resolution_ms IS NOT NEW.resolution_ms
BEGIN
    INSERT INTO sla_rollup (workspace_id, user_id, created_hour, type_id, dialogs, attained, first_responses, first_response_ms, resolutions, resolution_ms)
    SELECT workspace_id, user_id, created_hour, type_id, -1, -attained, -(CASE WHEN first_response_ms IS NULL THEN 0 ELSE 1 END),
        -coalesce(first_response_ms, 0), -(CASE WHEN resolution_ms IS NULL THEN 0 ELSE 1 END), -coalesce(resolution_ms, 0)
    FROM sla_rollup_dialogs WHERE dialog_id = NEW.dialog_id
    ON CONFLICT (workspace_id, user_id, created_hour, type_id) DO UPDATE SET dialogs = dialogs + excluded.dialogs,
        attained = attained + excluded.attained, first_responses = first_responses + excluded.first_responses,
        first_response_ms = first_response_ms + excluded.first_response_ms, resolutions = resolutions + excluded.resolutions,
        resolution_ms = resolution_ms + excluded.resolution_ms;
    DELETE FROM sla_rollup_dialogs WHERE dialog_id = NEW.dialog_id;
    INSERT INTO sla_rollup_dialogs (dialog_id, user_id, workspace_id, created_hour, type_id, attained, first_response_ms, resolution_ms)
    SELECT s.dialog_id, u.user_id, d.workspace_id, d.created_at / 3600000, d.type_id, CASE WHEN s.missed = 0 THEN 1 ELSE 0 END,
        s.first_response_ms, s.resolution_ms
    FROM dialog_sla s, dialogs d, (SELECT 0 AS user_id UNION ALL SELECT user_id FROM dialog_participants WHERE dialog_id = NEW.dialog_id) u
    WHERE s.dialog_id = NEW.dialog_id AND d.id = NEW.dialog_id;
    INSERT INTO sla_rollup (workspace_id, user_id, created_hour, type_id, dialogs, attained, first_responses, first_response_ms, resolutions, resolution_ms)
    SELECT workspace_id, user_id, created_hour, type_id, 1, attained, (CASE WHEN first_response_ms IS NULL THEN 0 ELSE 1 END),
        coalesce(first_response_ms, 0), (CASE WHEN resolution_ms IS NULL THEN 0 ELSE 1 END), coalesce(resolution_ms, 0)
    FROM sla_rollup_dialogs WHERE dialog_id = NEW.dialog_id
    ON CONFLICT (workspace_id, user_id, created_hour, type_id) DO UPDATE SET dialogs = dialogs + excluded.dialogs,
        attained = attained + excluded.attained, first_responses = first_responses + excluded.first_responses,
        first_response_ms = first_response_ms + excluded.first_response_ms, resolutions = resolutions + excluded.resolutions,
        resolution_ms = resolution_ms + excluded.resolution_ms;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER dialog_sla_rollup_delete AFTER DELETE ON dialog_sla
BEGIN
    INSERT INTO sla_rollup (workspace_id, user_id, created_hour, type_id, dialogs, attained, first_responses, first_response_ms, resolutions, resolution_ms)
    SELECT workspace_id, user_id, created_hour, type_id, -1, -attained, -(CASE WHEN first_response_ms IS NULL THEN 0 ELSE 1 END),
        -coalesce(first_response_ms, 0), -(CASE WHEN resolution_ms IS NULL THEN 0 ELSE 1 END), -coalesce(resolution_ms, 0)
    FROM sla_rollup_dialogs WHERE dialog_id = OLD.dialog_id
    ON CONFLICT (workspace_id, user_id, created_hour, type_id) DO UPDATE SET dialogs = dialogs + excluded.dialogs,
        attained = attained + excluded.attained, first_responses = first_responses + excluded.first_responses,
        first_response_ms = first_response_ms + excluded.first_response_ms, resolutions = resolutions + excluded.resolutions,
        resolution_ms = resolution_ms + excluded.resolution_ms;
    DELETE FROM sla_rollup_dialogs WHERE dialog_id = OLD.dialog_id;
    INSERT INTO sla_rollup_dialogs (dialog_id, user_id, workspace_id, created_hour, type_id, attained, first_response_ms, resolution_ms)
    SELECT s.dialog_id, u.user_id, d.workspace_id, d.created_at / 3600000, d.type_id, CASE WHEN s.missed = 0 THEN 1 ELSE 0 END,
        s.first_response_ms, s.resolution_ms
    FROM dialog_sla s, dialogs d, (SELECT 0 AS user_id UNION ALL SELECT user_id FROM dialog_participants WHERE dialog_id = OLD.dialog_id) u
    WHERE s.dialog_id = OLD.dialog_id AND d.id = OLD.dialog_id;
    INSERT INTO sla_rollup (workspace_id, user_id, created_hour, type_id, dialogs, attained, first_responses, first_response_ms, resolutions, resolution_ms)
    SELECT workspace_id, user_id, created_hour, type_id, 1, attained, (CASE WHEN first_response_ms IS NULL THEN 0 ELSE 1 END),
        coalesce(first_response_ms, 0), (CASE WHEN resolution_ms IS NULL THEN 0 ELSE 1 END), coalesce(resolution_ms, 0)
    FROM sla_rollup_dialogs WHERE dialog_id = OLD.dialog_id
    ON CONFLICT (workspace_id, user_id, created_hour, type_id) DO UPDATE SET dialogs = dialogs + excluded.dialogs,
        attained = attained + excluded.attained, first_responses = first_responses + excluded.first_responses,
        first_response_ms = first_response_ms + excluded.first_response_ms, resolutions = resolutions + excluded.resolutions,
        resolution_ms = resolution_ms + excluded.resolution_ms;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER dialog_participants_sla_rollup_insert AFTER INSERT ON dialog_participants
WHEN EXISTS (SELECT 1 FROM dialog_sla WHERE dialog_id = NEW.dialog_id)
BEGIN
    INSERT INTO sla_rollup (workspace_id, user_id, created_hour, type_id, dialogs, attained, first_responses, first_response_ms, resolutions, resolution_ms)
    SELECT workspace_id, user_id, created_hour, type_id, -1, -attained, -(CASE WHEN first_response_ms IS NULL THEN 0 ELSE 1 END),
        -coalesce(first_response_ms, 0), -(CASE WHEN resolution_ms IS NULL THEN 0 ELSE 1 END), -coalesce(resolution_ms, 0)
    FROM sla_rollup_dialogs WHERE dialog_id = NEW.dialog_id
    ON CONFLICT (workspace_id, user_id, created_hour, type_id) DO UPDATE SET dialogs = dialogs + excluded.dialogs,
        attained = attained + excluded.attained, first_responses = first_responses + excluded.first_responses,
        first_response_ms = first_response_ms + excluded.first_response_ms, resolutions = resolutions + excluded.resolutions,
        resolution_ms = resolution_ms + excluded.resolution_ms;
    DELETE FROM sla_rollup_dialogs WHERE dialog_id = NEW.dialog_id;
    INSERT INTO sla_rollup_dialogs (dialog_id, user_id, workspace_id, created_hour, type_id, attained, first_response_ms, resolution_ms)
    SELECT s.dialog_id, u.user_id, d.workspace_id, d.created_at / 3600000, d.type_id, CASE WHEN s.missed = 0 THEN 1 ELSE 0 END,
        s.first_response_ms, s.resolution_ms
    FROM dialog_sla s, dialogs d, (SELECT 0 AS user_id UNION ALL SELECT user_id FROM dialog_participants WHERE dialog_id = NEW.dialog_id) u
    WHERE s.dialog_id = NEW.dialog_id AND d.id = NEW.dialog_id;
    INSERT INTO sla_rollup (workspace_id, user_id, created_hour, type_id, dialogs, attained, first_responses, first_response_ms, resolutions, resolution_ms)
    SELECT workspace_id, user_id, created_hour, type_id, 1, attained, (CASE WHEN first_response_ms IS NULL THEN 0 ELSE 1 END),
        coalesce(first_response_ms, 0), (CASE WHEN resolution_ms IS NULL THEN 0 ELSE 1 END), coalesce(resolution_ms, 0)
    FROM sla_rollup_dialogs WHERE dialog_id = NEW.dialog_id
    ON CONFLICT (workspace_id, user_id, created_hour, type_id) DO UPDATE SET dialogs = dialogs + excluded.dialogs,
        attained = attained + excluded.attained, first_responses = first_responses + excluded.first_responses,
        first_response_ms = first_response_ms + excluded.first_response_ms, resolutions = resolutions + excluded.resolutions,
        resolution_ms = resolution_ms + excluded.resolution_ms;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER dialog_participants_sla_rollup_delete AFTER DELETE ON dialog_participants
WHEN EXISTS (SELECT 1 FROM sla_rollup_dialogs WHERE dialog_id = OLD.dialog_id)
BEGIN
    INSERT INTO sla_rollup (workspace_id, user_id, created_hour, type_id, dialogs, attained, first_responses, first_response_ms, resolutions, resolution_ms)
    SELECT workspace_id, user_id, created_hour, type_id, -1, -attained, -(CASE WHEN first_response_ms IS NULL THEN 0 ELSE 1 END),
        -coalesce(first_response_ms, 0), -(CASE WHEN resolution_ms IS NULL THEN 0 ELSE 1 END), -coalesce(resolution_ms, 0)
    FROM sla_rollup_dialogs WHERE dialog_id = OLD.dialog_id
    ON CONFLICT (workspace_id, user_id, created_hour, type_id) DO UPDATE SET dialogs = dialogs + excluded.dialogs,
        attained = attained + excluded.attained, first_responses = first_responses + excluded.first_responses,
        first_response_ms = first_response_ms + excluded.first_response_ms, resolutions = resolutions + excluded.resolutions,
        resolution_ms = resolution_ms + excluded.resolution_ms;
    DELETE FROM sla_rollup_dialogs WHERE dialog_id = OLD.dialog_id;
    INSERT INTO sla_rollup_dialogs (dialog_id, user_id, workspace_id, created_hour, type_id, attained, first_response_ms, resolution_ms)
    SELECT s.dialog_id, u.user_id, d.workspace_id, d.created_at / 3600000, d.type_id, CASE WHEN s.missed = 0 THEN 1 ELSE 0 END,
        s.first_response_ms, s.resolution_ms
    FROM dialog_sla s, dialogs d, (SELECT 0 AS user_id UNION ALL SELECT user_id FROM dialog_participants WHERE dialog_id = OLD.dialog_id) u
    WHERE s.dialog_id = OLD.dialog_id AND d.id = OLD.dialog_id;
    INSERT INTO sla_rollup (workspace_id, user_id, created_hour, type_id, dialogs, attained, first_responses, first_response_ms, resolutions, resolution_ms)
    SELECT workspace_id, user_id, created_hour, type_id, 1, attained, (CASE WHEN first_response_ms IS NULL THEN 0 ELSE 1 END),
        coalesce(first_response_ms, 0), (CASE WHEN resolution_ms IS NULL THEN 0 ELSE 1 END), coalesce(resolution_ms, 0)
    FROM sla_rollup_dialogs WHERE dialog_id = OLD.dialog_id
    ON CONFLICT (workspace_id, user_id, created_hour, type_id) DO UPDATE SET dialogs = dialogs + excluded.dialogs,
        attained = attained + excluded.attained, first_responses = first_responses + excluded.first_responses,
        first_response_ms = first_response_ms + excluded.first_response_ms, resolutions = resolutions + excluded.resolutions,
        resolution_ms = resolution_ms + excluded.resolution_ms;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER dialogs_sla_rollup_type AFTER UPDATE OF type_id ON dialogs
WHEN OLD.type_id <> NEW.type_id AND EXISTS (SELECT 1 FROM dialog_sla WHERE dialog_id = NEW.id)
BEGIN
    INSERT INTO sla_rollup (workspace_id, user_id, created_hour, type_id, dialogs, attained, first_responses, first_response_ms, resolutions, resolution_ms)
    SELECT workspace_id, user_id, created_hour, type_id, -1, -attained, -(CASE WHEN first_response_ms IS NULL THEN 0 ELSE 1 END),
        -coalesce(first_response_ms, 0), -(CASE WHEN resolution_ms IS NULL THEN 0 ELSE 1 END), -coalesce(resolution_ms, 0)
    FROM sla_rollup_dialogs WHERE dialog_id = NEW.id
    ON CONFLICT (workspace_id, user_id, created_hour, type_id) DO UPDATE SET dialogs = dialogs + excluded.dialogs,
        attained = attained + excluded.attained, first_responses = first_responses + excluded.first_responses,
        first_response_ms = first_response_ms + excluded.first_response_ms, resolutions = resolutions + excluded.resolutions,
        resolution_ms = resolution_ms + excluded.resolution_ms;
    DELETE FROM sla_rollup_dialogs WHERE dialog_id = NEW.id;
    INSERT INTO sla_rollup_dialogs (dialog_id, user_id, workspace_id, created_hour, type_id, attained, first_response_ms, resolution_ms)
    SELECT s.dialog_id, u.user_id, d.workspace_id, d.created_at / 3600000, d.type_id, CASE WHEN s.missed = 0 THEN 1 ELSE 0 END,
        s.first_response_ms, s.resolution_ms
    FROM dialog_sla s, dialogs d, (SELECT 0 AS user_id UNION ALL SELECT user_id FROM dialog_participants WHERE dialog_id = NEW.id) u
    WHERE s.dialog_id = NEW.id AND d.id = NEW.id;
    INSERT INTO sla_rollup (workspace_id, user_id, created_hour, type_id, dialogs, attained, first_responses, first_response_ms, resolutions, resolution_ms)
    SELECT workspace_id, user_id, created_hour, type_id, 1, attained, (CASE WHEN first_response_ms IS NULL THEN 0 ELSE 1 END),
        coalesce(first_response_ms, 0), (CASE WHEN resolution_ms IS NULL THEN 0 ELSE 1 END), coalesce(resolution_ms, 0)
    FROM sla_rollup_dialogs WHERE dialog_id = NEW.id
    ON CONFLICT (workspace_id, user_id, created_hour, type_id) DO UPDATE SET dialogs = dialogs + excluded.dialogs,
        attained = attained + excluded.attained, first_responses = first_responses + excluded.first_responses,
        first_response_ms = first_response_ms + excluded.first_response_ms, resolutions = resolutions + excluded.resolutions,
        resolution_ms = resolution_ms + excluded.resolution_ms;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER IF EXISTS dialogs_sla_rollup_type;
DROP TRIGGER IF EXISTS dialog_participants_sla_rollup_delete;
DROP TRIGGER IF EXISTS dialog_participants_sla_rollup_insert;
DROP TRIGGER IF EXISTS dialog_sla_rollup_delete;
DROP TRIGGER IF EXISTS dialog_sla_rollup_update;
DROP TRIGGER IF EXISTS dialog_sla_rollup_insert;
DROP TABLE IF EXISTS sla_rollup_dialogs;
DROP TABLE IF EXISTS sla_rollup;
