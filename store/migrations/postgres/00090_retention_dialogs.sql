-- Issue 24, finished: a workspace's retention policy also removes closed
-- dialogs (dialogs_days: completed dialogs whose completion is older; NULL
-- keeps them for ever), and the audit log names the API token a change came
-- through (its id, and its name at the time, as actor_name is the actor's:
-- a revoked token's row is gone).

-- +goose Up
ALTER TABLE retention_policies ADD COLUMN dialogs_days INTEGER;

-- The retention job finds a workspace's completed dialogs by the age of
-- their completion; active and paused dialogs are never in it.
CREATE INDEX dialogs_completed ON dialogs (workspace_id, completed_at) WHERE status = 'completed';
-- It removes what hangs off a dialog by the dialog's id; the links,
-- participants, history, SLA rows and messages have such indexes already.
CREATE INDEX tasks_dialog ON tasks (dialog_id);
CREATE INDEX notifications_dialog ON notifications (dialog_id) WHERE dialog_id IS NOT NULL;

ALTER TABLE audit_log ADD COLUMN token_id BIGINT;
ALTER TABLE audit_log ADD COLUMN token_name TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE audit_log DROP COLUMN token_name;
ALTER TABLE audit_log DROP COLUMN token_id;
DROP INDEX notifications_dialog;
DROP INDEX tasks_dialog;
DROP INDEX dialogs_completed;
ALTER TABLE retention_policies DROP COLUMN dialogs_days;
