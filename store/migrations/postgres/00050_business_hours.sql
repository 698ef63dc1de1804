-- Business hours per workspace (rule T1): the schedule's periods and
-- holidays are small lists read and written whole, kept as JSON beside the
-- time zone. No row means no schedule: open at every hour.

-- +goose Up
CREATE TABLE business_hours (
    workspace_id BIGINT PRIMARY KEY REFERENCES workspaces (id),
    time_zone    TEXT   NOT NULL,
    periods      TEXT   NOT NULL,
    holidays     TEXT   NOT NULL,
    updated_at   BIGINT NOT NULL
);

-- +goose Down
DROP TABLE IF EXISTS business_hours;
