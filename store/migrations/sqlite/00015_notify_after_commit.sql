-- Live events are announced to other processes after commit, not by the
-- writing transaction (PostgreSQL only; see store/notify.go). Nothing to do
-- on SQLite, which runs one process.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
