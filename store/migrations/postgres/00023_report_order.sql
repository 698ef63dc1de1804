-- The report's rows and its CSV are the newest dialogs first, by creation
-- time (ties by id): the page by offset, the CSV by keyset, both from here.

-- +goose Up
CREATE INDEX dialogs_created ON dialogs (workspace_id, created_at, id);

-- +goose Down
DROP INDEX dialogs_created;
