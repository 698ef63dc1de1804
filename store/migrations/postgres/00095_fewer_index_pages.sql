-- Fewer index pages per write (issue 22, the write path). On SQLite every
-- index a transaction changes is at least one more page in the write-ahead
-- log at its commit, written inside the single writer's turn:
-- - subscribers_assignee held every chat, with no assignee too, and a
--   message moves its chat in the index (last_message_at): two pages per
--   message that no query reads, since "assignee_id = ?" never matches NULL
--   (the unassigned chats have subscribers_unassigned). Now it holds the
--   assigned chats only.
-- - dialogs_created (workspace_id, created_at, id) repeated the first columns
--   of dialogs_report: dialogs_report now has id third, so that it serves the
--   report's order (newest first, ties by id) as well as its totals, and a
--   new dialog adds to one index instead of two.
-- - dialogs_completed (workspace_id, completed_at), for the retention of
--   closed dialogs, took a page at every completion: the retention job now
--   looks for them in dialogs_report, by creation time (a dialog is
--   completed after it is created, so one completed before the cutoff was
--   created before it too), reading the index alone.

-- +goose Up
DROP INDEX IF EXISTS subscribers_assignee;
CREATE INDEX subscribers_assignee ON subscribers (assignee_id, last_message_at) WHERE assignee_id IS NOT NULL;
DROP INDEX IF EXISTS dialogs_created;
DROP INDEX IF EXISTS dialogs_report;
CREATE INDEX dialogs_report ON dialogs (workspace_id, created_at, id, status, type_id, completed_at, account_rating, client_rating);
DROP INDEX IF EXISTS dialogs_completed;

-- +goose Down
CREATE INDEX dialogs_completed ON dialogs (workspace_id, completed_at) WHERE status = 'completed';
DROP INDEX IF EXISTS dialogs_report;
CREATE INDEX dialogs_report ON dialogs (workspace_id, created_at, status, type_id, completed_at, account_rating, client_rating);
CREATE INDEX dialogs_created ON dialogs (workspace_id, created_at, id);
DROP INDEX IF EXISTS subscribers_assignee;
CREATE INDEX subscribers_assignee ON subscribers (assignee_id, last_message_at);
