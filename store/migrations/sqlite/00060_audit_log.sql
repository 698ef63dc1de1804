-- The audit log (issue 24): who did what in a workspace, when, from which
-- address, and what changed (JSON, secrets already shown as "***"). The
-- product only adds entries: a trigger refuses any UPDATE, and only the
-- retention job deletes, whole entries older than the workspace keeps them.
-- actor_name is the actor's name at the time, so that the log still says
-- who it was after a rename.

-- +goose Up
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    at           INTEGER NOT NULL,
    actor_id     INTEGER REFERENCES users (id),
    actor_name   TEXT    NOT NULL DEFAULT '',
    via          TEXT    NOT NULL DEFAULT '',
    address      TEXT    NOT NULL DEFAULT '',
    action       TEXT    NOT NULL,
    target_kind  TEXT    NOT NULL DEFAULT '',
    target_id    INTEGER,
    changes      TEXT    NOT NULL DEFAULT '{}'
);
-- The console and the API page the log newest first, by id.
CREATE INDEX audit_log_workspace ON audit_log (workspace_id, id);
-- The retention job removes by age.
CREATE INDEX audit_log_at ON audit_log (workspace_id, at);

-- +goose StatementBegin
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_log_append_only;
DROP TABLE audit_log;
