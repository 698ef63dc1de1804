-- SLA (rules T2–T5): policies per dialog type (type_id NULL: the
-- workspace's default, at most one each), and each dialog's SLA clock. The
-- clock is kept whole as JSON (beseda.SLAClock) beside what is searched or
-- summed: next_at, the next instant a warning or breach falls due, indexed
-- for the one sweep that fires them; the working time to the first response
-- and to the resolution, and the targets missed, for the reports.

-- +goose Up
CREATE TABLE sla_policies (
    id                     INTEGER PRIMARY KEY,
    workspace_id           INTEGER NOT NULL REFERENCES workspaces (id),
    name                   TEXT    NOT NULL,
    type_id                INTEGER REFERENCES dialog_types (id),
    first_response_minutes INTEGER NOT NULL,
    next_response_minutes  INTEGER NOT NULL,
    resolution_minutes     INTEGER NOT NULL,
    warn_percent           INTEGER NOT NULL,
    created_at             INTEGER NOT NULL
);
CREATE UNIQUE INDEX sla_policies_type ON sla_policies (workspace_id, COALESCE(type_id, 0));

CREATE TABLE dialog_sla (
    dialog_id         INTEGER PRIMARY KEY REFERENCES dialogs (id),
    workspace_id      INTEGER NOT NULL,
    clock             TEXT    NOT NULL,
    next_at           INTEGER,
    first_response_ms INTEGER,
    resolution_ms     INTEGER,
    missed            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX dialog_sla_next ON dialog_sla (next_at) WHERE next_at IS NOT NULL;
CREATE INDEX dialog_sla_workspace ON dialog_sla (workspace_id);

-- +goose Down
DROP TABLE IF EXISTS dialog_sla;
DROP TABLE IF EXISTS sla_policies;
