-- The Dialogs tab sorts by time left (rule T5): each dialog's nearest due
-- instant of a running SLA clock, indexed per workspace so that the sort
-- walks the index instead of ordering a page in memory. Clocks stored before
-- get it from the sweep: their next_at is set due now, and the sweep writes
-- the clock back with due_at.

-- +goose Up
ALTER TABLE dialog_sla ADD COLUMN due_at BIGINT;
CREATE INDEX dialog_sla_due ON dialog_sla (workspace_id, due_at) WHERE due_at IS NOT NULL;
UPDATE dialog_sla SET next_at = 0 WHERE next_at IS NOT NULL;

-- +goose Down
DROP INDEX IF EXISTS dialog_sla_due;
ALTER TABLE dialog_sla DROP COLUMN due_at;
