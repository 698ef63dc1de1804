-- SQLite's search index keeps, per table, the highest id it has indexed
-- (see its 00096). PostgreSQL's search vectors are generated columns,
-- written with each row: this migration keeps the two sets numbered alike.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
