package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/beseda/beseda"
)

// catalogTable is the table of a dialog settings catalog. Catalog names come
// from the domain's constants only, never from input.
func catalogTable(c beseda.Catalog) string {
	switch c {
	case beseda.CatalogTypes:
		return "dialog_types"
	case beseda.CatalogReasons:
		return "dialog_reasons"
	case beseda.CatalogComponents:
		return "dialog_components"
	}
	panic("unknown catalog " + string(c))
}

// scanCatalogItem reads id, name, created_at, removed_at, after the columns
// of first, if any.
func scanCatalogItem(row interface{ Scan(...any) error }, first ...any) (*beseda.CatalogItem, error) {
	var it beseda.CatalogItem
	var created int64
	var removed sql.NullInt64
	if err := row.Scan(append(first, &it.ID, &it.Name, &created, &removed)...); err != nil {
		return nil, err
	}
	it.CreatedAt, it.RemovedAt = fromMS(created), fromNullMS(removed)
	return &it, nil
}

// FindCatalog returns the items of a workspace's catalog in the order they were
// added; removed ones only if includeRemoved.
func (r reader) FindCatalog(ctx context.Context, workspaceID int64, c beseda.Catalog, includeRemoved bool) ([]*beseda.CatalogItem, error) {
	q := `SELECT id, name, created_at, removed_at FROM ` + catalogTable(c) + ` WHERE workspace_id = $1`
	if !includeRemoved {
		q += ` AND removed_at IS NULL`
	}
	rows, err := r.q.QueryContext(ctx, q+` ORDER BY id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("find %s: %w", c, err)
	}
	defer rows.Close()
	out := []*beseda.CatalogItem{}
	for rows.Next() {
		it, err := scanCatalogItem(rows)
		if err != nil {
			return nil, fmt.Errorf("find %s: %w", c, err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// FindCatalogItems returns the items of the catalog with the given ids that
// belong to the workspace, removed or not, by id.
func (r reader) FindCatalogItems(ctx context.Context, workspaceID int64, c beseda.Catalog, ids []int64) (map[int64]*beseda.CatalogItem, error) {
	out := make(map[int64]*beseda.CatalogItem, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := r.inIDs("id", 2, ids)
	rows, err := r.q.QueryContext(ctx, `SELECT id, name, created_at, removed_at FROM `+catalogTable(c)+
		` WHERE workspace_id = $1 AND `+in, append([]any{workspaceID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("find %s: %w", c, err)
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scanCatalogItem(rows)
		if err != nil {
			return nil, fmt.Errorf("find %s: %w", c, err)
		}
		out[it.ID] = it
	}
	return out, rows.Err()
}

// AddCatalogItem inserts a new item. Returns ENAMETAKEN if a live item has the
// same name (any case).
func (tx *Tx) AddCatalogItem(ctx context.Context, workspaceID int64, c beseda.Catalog, name string, at time.Time) (*beseda.CatalogItem, error) {
	it := &beseda.CatalogItem{Name: name, CreatedAt: at}
	err := tx.q.QueryRowContext(ctx, `INSERT INTO `+catalogTable(c)+` (workspace_id, name, name_key, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, workspaceID, name, beseda.NameKey(name), ms(at)).Scan(&it.ID)
	if IsUniqueViolation(err) {
		return nil, beseda.Errorf(beseda.ENAMETAKEN, "a %s named %q already exists", c.Noun(), name)
	} else if err != nil {
		return nil, fmt.Errorf("add %s: %w", c.Noun(), err)
	}
	return it, nil
}

// RenameCatalogItem renames a live item. Returns ENOTFOUND or ENAMETAKEN.
func (tx *Tx) RenameCatalogItem(ctx context.Context, workspaceID int64, c beseda.Catalog, id int64, name string) (*beseda.CatalogItem, error) {
	it, err := scanCatalogItem(tx.q.QueryRowContext(ctx, `UPDATE `+catalogTable(c)+` SET name = $1, name_key = $2
		WHERE id = $3 AND workspace_id = $4 AND removed_at IS NULL
		RETURNING id, name, created_at, removed_at`, name, beseda.NameKey(name), id, workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound(c.Noun())
	} else if IsUniqueViolation(err) {
		return nil, beseda.Errorf(beseda.ENAMETAKEN, "a %s named %q already exists", c.Noun(), name)
	} else if err != nil {
		return nil, fmt.Errorf("rename %s: %w", c.Noun(), err)
	}
	return it, nil
}

// RemoveCatalogItem marks a live item removed; dialogs keep it (P1).
// Returns ENOTFOUND.
func (tx *Tx) RemoveCatalogItem(ctx context.Context, workspaceID int64, c beseda.Catalog, id int64, at time.Time) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE `+catalogTable(c)+` SET removed_at = $1
		WHERE id = $2 AND workspace_id = $3 AND removed_at IS NULL`, ms(at), id, workspaceID)
	if err != nil {
		return fmt.Errorf("remove %s: %w", c.Noun(), err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return beseda.NotFound(c.Noun())
	}
	return nil
}

// LockCatalog counts the live items of a catalog and, on PostgreSQL, locks
// them, so that two concurrent removals cannot both pass the "not the last
// type" check (P1).
func (tx *Tx) LockCatalog(ctx context.Context, workspaceID int64, c beseda.Catalog) (int, error) {
	rows, err := tx.q.QueryContext(ctx, `SELECT id FROM `+catalogTable(c)+` t
		WHERE workspace_id = $1 AND removed_at IS NULL`+tx.forUpdate("t"), workspaceID)
	if err != nil {
		return 0, fmt.Errorf("lock %s: %w", c, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}
