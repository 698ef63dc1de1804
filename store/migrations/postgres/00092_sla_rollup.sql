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
    workspace_id      BIGINT NOT NULL,
    user_id           BIGINT NOT NULL,
    created_hour      BIGINT NOT NULL,
    type_id           BIGINT NOT NULL,
    dialogs           BIGINT NOT NULL,
    attained          BIGINT NOT NULL,
    first_responses   BIGINT NOT NULL,
    first_response_ms BIGINT NOT NULL,
    resolutions       BIGINT NOT NULL,
    resolution_ms     BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id, created_hour, type_id)
);

CREATE TABLE sla_rollup_dialogs (
    dialog_id         BIGINT NOT NULL,
    user_id           BIGINT NOT NULL,
    workspace_id      BIGINT NOT NULL,
    created_hour      BIGINT NOT NULL,
    type_id           BIGINT NOT NULL,
    attained          BIGINT NOT NULL,
    first_response_ms BIGINT,
    resolution_ms     BIGINT,
    PRIMARY KEY (dialog_id, user_id)
);

INSERT INTO sla_rollup_dialogs (dialog_id, user_id, workspace_id, created_hour, type_id, attained, first_response_ms, resolution_ms)
SELECT s.dialog_id, u.user_id, d.workspace_id, d.created_at / 3600000, d.type_id, CASE WHEN s.missed = 0 THEN 1 ELSE 0 END,
    s.first_response_ms, s.resolution_ms
FROM dialog_sla s JOIN dialogs d ON d.id = s.dialog_id
JOIN (SELECT dialog_id, 0 AS user_id FROM dialog_sla UNION ALL SELECT dialog_id, user_id FROM dialog_participants) u ON u.dialog_id = s.dialog_id;
INSERT INTO sla_rollup (workspace_id, user_id, created_hour, type_id, dialogs, attained, first_responses, first_response_ms, resolutions, resolution_ms)
SELECT workspace_id, user_id, created_hour, type_id, count(*), sum(attained), count(first_response_ms), coalesce(sum(first_response_ms), 0),
    count(resolution_ms), coalesce(sum(resolution_ms), 0)
FROM sla_rollup_dialogs GROUP BY workspace_id, user_id, created_hour, type_id;

-- sla_rollup_sync puts dialog dlg's current figures in the sums. It first
-- locks the dialog's row, so that two transactions syncing one dialog take
-- turns (each statement of a function sees what committed before it), and
-- takes the rows of the sums in the order of user ids, so that two
-- transactions adding to the same ones wait for each other rather than
-- deadlock.
-- +goose StatementBegin
CREATE FUNCTION sla_rollup_sync(dlg BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM dialogs WHERE id = dlg FOR NO KEY UPDATE;
    INSERT INTO sla_rollup AS r (workspace_id, user_id, created_hour, type_id, dialogs, attained, first_responses, first_response_ms, resolutions, resolution_ms)
    SELECT workspace_id, user_id, created_hour, type_id, -1, -attained, -(CASE WHEN first_response_ms IS NULL THEN 0 ELSE 1 END),
        -coalesce(first_response_ms, 0), -(CASE WHEN resolution_ms IS NULL THEN 0 ELSE 1 END), -coalesce(resolution_ms, 0)
    FROM sla_rollup_dialogs WHERE dialog_id = dlg ORDER BY user_id
    ON CONFLICT (workspace_id, user_id, created_hour, type_id) DO UPDATE SET dialogs = r.dialogs + excluded.dialogs,
        attained = r.attained + excluded.attained, first_responses = r.first_responses + excluded.first_responses,
        first_response_ms = r.first_response_ms + excluded.first_response_ms, resolutions = r.resolutions + excluded.resolutions,
        resolution_ms = r.resolution_ms + excluded.resolution_ms;
    DELETE FROM sla_rollup_dialogs WHERE dialog_id = dlg;
    INSERT INTO sla_rollup_dialogs (dialog_id, user_id, workspace_id, created_hour, type_id, attained, first_response_ms, resolution_ms)
    SELECT s.dialog_id, u.user_id, d.workspace_id, d.created_at / 3600000, d.type_id, CASE WHEN s.missed = 0 THEN 1 ELSE 0 END,
        s.first_response_ms, s.resolution_ms
    FROM dialog_sla s, dialogs d, (SELECT 0 AS user_id UNION ALL SELECT user_id FROM dialog_participants WHERE dialog_id = dlg) u
    WHERE s.dialog_id = dlg AND d.id = dlg;
    INSERT INTO sla_rollup AS r (workspace_id, user_id, created_hour, type_id, dialogs, attained, first_responses, first_response_ms, resolutions, resolution_ms)
    SELECT workspace_id, user_id, created_hour, type_id, 1, attained, (CASE WHEN first_response_ms IS NULL THEN 0 ELSE 1 END),
        coalesce(first_response_ms, 0), (CASE WHEN resolution_ms IS NULL THEN 0 ELSE 1 END), coalesce(resolution_ms, 0)
    FROM sla_rollup_dialogs WHERE dialog_id = dlg ORDER BY user_id
    ON CONFLICT (workspace_id, user_id, created_hour, type_id) DO UPDATE SET dialogs = r.dialogs + excluded.dialogs,
        attained = r.attained + excluded.attained, first_responses = r.first_responses + excluded.first_responses,
        first_response_ms = r.first_response_ms + excluded.first_response_ms, resolutions = r.resolutions + excluded.resolutions,
        resolution_ms = r.resolution_ms + excluded.resolution_ms;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION sla_rollup_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    dlg BIGINT;
BEGIN
    IF TG_TABLE_NAME = 'dialogs' THEN
        dlg := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        dlg := OLD.dialog_id;
    ELSE
        dlg := NEW.dialog_id;
    END IF;
    -- A dialog without an SLA, now or counted before, has nothing to sync.
    IF EXISTS (SELECT 1 FROM dialog_sla WHERE dialog_id = dlg) OR EXISTS (SELECT 1 FROM sla_rollup_dialogs WHERE dialog_id = dlg) THEN
        PERFORM sla_rollup_sync(dlg);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER dialog_sla_rollup_insert AFTER INSERT OR DELETE ON dialog_sla FOR EACH ROW EXECUTE FUNCTION sla_rollup_trigger();
CREATE TRIGGER dialog_sla_rollup_update AFTER UPDATE OF missed, first_response_ms, resolution_ms ON dialog_sla FOR EACH ROW
    WHEN (OLD.missed IS DISTINCT FROM NEW.missed OR OLD.first_response_ms IS DISTINCT FROM NEW.first_response_ms
        OR OLD.resolution_ms IS DISTINCT FROM NEW.resolution_ms)
    EXECUTE FUNCTION sla_rollup_trigger();
CREATE TRIGGER dialog_participants_sla_rollup AFTER INSERT OR DELETE ON dialog_participants FOR EACH ROW
    EXECUTE FUNCTION sla_rollup_trigger();
CREATE TRIGGER dialogs_sla_rollup_type AFTER UPDATE OF type_id ON dialogs FOR EACH ROW
    WHEN (OLD.type_id <> NEW.type_id) EXECUTE FUNCTION sla_rollup_trigger();

-- +goose Down
DROP TRIGGER IF EXISTS dialogs_sla_rollup_type ON dialogs;
DROP TRIGGER IF EXISTS dialog_participants_sla_rollup ON dialog_participants;
DROP TRIGGER IF EXISTS dialog_sla_rollup_update ON dialog_sla;
DROP TRIGGER IF EXISTS dialog_sla_rollup_insert ON dialog_sla;
DROP FUNCTION IF EXISTS sla_rollup_trigger();
DROP FUNCTION IF EXISTS sla_rollup_sync(BIGINT);
DROP TABLE IF EXISTS sla_rollup_dialogs;
DROP TABLE IF EXISTS sla_rollup;
