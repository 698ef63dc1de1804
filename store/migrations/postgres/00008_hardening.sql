-- Failed sign-ins per account (H4). Kept in the database so that every
-- process on one database counts the same attempts; a success deletes the
-- row, and rows of windows long past are pruned.

-- +goose Up
CREATE TABLE login_failures (
    email        TEXT   PRIMARY KEY, -- normalised; unknown addresses are counted too
    failures     INTEGER NOT NULL,
    window_start BIGINT NOT NULL     -- the first failure of the window
);
CREATE INDEX login_failures_window ON login_failures (window_start);

-- +goose Down
DROP TABLE login_failures;
