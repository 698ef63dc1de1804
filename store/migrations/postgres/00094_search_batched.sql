-- SQLite's search index is now written in batches (see its 00094). On
-- PostgreSQL the search vectors are generated columns whose GIN indexes
-- already gather new entries in a pending list: this migration keeps the two
-- sets numbered alike.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
