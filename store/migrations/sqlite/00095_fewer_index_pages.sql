-- Fewer index pages per write (issue 22, the write path). On SQLite every
-- index a transaction changes is at least one more page in the write-ahead
-- log at its commit, written inside the single writer's turn:
-- - A message moves its chat in every index with last_message_at, two
--   pages each (the old place and the new): subscribers_recent for the chat
--   list, and since routing (00052) subscribers_assignee (every chat, with
--   no assignee too) and subscribers_unassigned. Now only subscribers_recent
--   has it, with the assignee after it: the "Unassigned" list reads it in
--   order and skips the assigned chats on the index itself, and "Mine"
--   finds a manager's chats by subscribers_assignee, which now holds the
--   assigned chats only, by assignee alone (also what counts a manager's
--   open chats for routing), and sorts those few.
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
DROP INDEX subscribers_assignee;
DROP INDEX subscribers_unassigned;
DROP INDEX subscribers_recent;
CREATE INDEX subscribers_assignee ON subscribers (assignee_id) WHERE assignee_id IS NOT NULL;
CREATE INDEX subscribers_recent ON subscribers (workspace_id, last_message_at, assignee_id);
DROP INDEX dialogs_created;
DROP INDEX dialogs_report;
CREATE INDEX dialogs_report ON dialogs (workspace_id, created_at, id, status, type_id, completed_at, account_rating, client_rating);
DROP INDEX dialogs_completed;

-- +goose Down
CREATE INDEX dialogs_completed ON dialogs (workspace_id, completed_at) WHERE status = 'completed';
DROP INDEX dialogs_report;
CREATE INDEX dialogs_report ON dialogs (workspace_id, created_at, status, type_id, completed_at, account_rating, client_rating);
CREATE INDEX dialogs_created ON dialogs (workspace_id, created_at, id);
DROP INDEX subscribers_recent;
DROP INDEX subscribers_assignee;
CREATE INDEX subscribers_recent ON subscribers (workspace_id, last_message_at);
CREATE INDEX subscribers_assignee ON subscribers (assignee_id, last_message_at);
CREATE INDEX subscribers_unassigned ON subscribers (workspace_id, last_message_at) WHERE assignee_id IS NULL;
