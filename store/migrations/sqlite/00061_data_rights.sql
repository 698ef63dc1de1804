-- Clients' data (issue 24): each workspace's retention policy (NULL keeps
-- for ever; no row: keep everything but the audit log, kept
-- beseda.DefaultAuditDays); the moment a client was erased, set in the same
-- transaction that erases, so that nothing half-erased is ever shown as
-- erased; the indexes the retention job and the file sweep use.

-- +goose Up
CREATE TABLE retention_policies (
    workspace_id  INTEGER PRIMARY KEY REFERENCES workspaces (id),
    messages_days INTEGER,
    files_days    INTEGER,
    audit_days    INTEGER,
    updated_at    INTEGER NOT NULL
);

ALTER TABLE subscribers ADD COLUMN erased_at INTEGER;

-- The retention job removes a workspace's messages, and files of messages,
-- by age.
CREATE INDEX messages_workspace_created ON messages (workspace_id, created_at);
-- Files whose rows are marked for removal (an erasure, the retention job,
-- the sweep of unattached uploads): the sweep removes them from disk, then
-- the rows.
CREATE INDEX attachments_removing ON attachments (removing_at) WHERE removing_at IS NOT NULL;

-- +goose Down
DROP INDEX attachments_removing;
DROP INDEX messages_workspace_created;
ALTER TABLE subscribers DROP COLUMN erased_at;
DROP TABLE retention_policies;
