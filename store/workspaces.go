package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/beseda/beseda"
)

// CreateWorkspace inserts w and sets its ID.
func (tx *Tx) CreateWorkspace(ctx context.Context, w *beseda.Workspace) error {
	err := tx.q.QueryRowContext(ctx,
		`INSERT INTO workspaces (name, locale, created_at) VALUES ($1, $2, $3) RETURNING id`,
		w.Name, string(w.Locale), ms(w.CreatedAt)).Scan(&w.ID)
	if err != nil {
		return fmt.Errorf("create workspace: %w", err)
	}
	return nil
}

// FindWorkspaceByID returns ENOTFOUND if the workspace does not exist.
func (r reader) FindWorkspaceByID(ctx context.Context, id int64) (*beseda.Workspace, error) {
	var w beseda.Workspace
	var locale string
	var created int64
	err := r.q.QueryRowContext(ctx, `SELECT id, name, locale, created_at FROM workspaces WHERE id = $1`, id).
		Scan(&w.ID, &w.Name, &locale, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("workspace")
	} else if err != nil {
		return nil, fmt.Errorf("find workspace: %w", err)
	}
	w.Locale, w.CreatedAt = beseda.Locale(locale), fromMS(created)
	return &w, nil
}

// CountWorkspaces tells whether the database holds any tenant yet.
func (r reader) CountWorkspaces(ctx context.Context) (int, error) {
	var n int
	if err := r.q.QueryRowContext(ctx, `SELECT count(*) FROM workspaces`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count workspaces: %w", err)
	}
	return n, nil
}
