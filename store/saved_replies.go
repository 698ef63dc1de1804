package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/beseda/beseda"
)

const savedReplyColumns = `id, name, text, created_at, updated_at`

func scanSavedReply(row interface{ Scan(...any) error }) (*beseda.SavedReply, error) {
	var sr beseda.SavedReply
	var created, updated int64
	if err := row.Scan(&sr.ID, &sr.Name, &sr.Text, &created, &updated); err != nil {
		return nil, err
	}
	sr.CreatedAt, sr.UpdatedAt = fromMS(created), fromMS(updated)
	return &sr, nil
}

// FindSavedReplies returns a workspace's saved replies by name (index
// saved_replies_name).
func (r reader) FindSavedReplies(ctx context.Context, workspaceID int64) ([]*beseda.SavedReply, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+savedReplyColumns+` FROM saved_replies WHERE workspace_id = $1 ORDER BY name`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("find saved replies: %w", err)
	}
	defer rows.Close()
	out := []*beseda.SavedReply{}
	for rows.Next() {
		sr, err := scanSavedReply(rows)
		if err != nil {
			return nil, fmt.Errorf("find saved replies: %w", err)
		}
		out = append(out, sr)
	}
	return out, rows.Err()
}

// FindSavedReply returns one of a workspace's saved replies. Returns
// ENOTFOUND, also for another workspace's.
func (r reader) FindSavedReply(ctx context.Context, workspaceID, id int64) (*beseda.SavedReply, error) {
	sr, err := scanSavedReply(r.q.QueryRowContext(ctx, `SELECT `+savedReplyColumns+` FROM saved_replies
		WHERE id = $1 AND workspace_id = $2`, id, workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("saved reply")
	} else if err != nil {
		return nil, fmt.Errorf("find saved reply: %w", err)
	}
	return sr, nil
}

// CreateSavedReply stores a saved reply. Returns ENAMETAKEN.
func (tx *Tx) CreateSavedReply(ctx context.Context, workspaceID int64, in beseda.SavedReplyCreate, at time.Time) (*beseda.SavedReply, error) {
	sr := &beseda.SavedReply{Name: in.Name, Text: in.Text, CreatedAt: at, UpdatedAt: at}
	err := tx.q.QueryRowContext(ctx, `INSERT INTO saved_replies (workspace_id, name, text, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $4) RETURNING id`, workspaceID, in.Name, in.Text, ms(at)).Scan(&sr.ID)
	if IsUniqueViolation(err) {
		return nil, beseda.Errorf(beseda.ENAMETAKEN, "a saved reply named %q already exists", in.Name)
	} else if err != nil {
		return nil, fmt.Errorf("create saved reply: %w", err)
	}
	return sr, nil
}

// SaveSavedReply writes a saved reply's name and text. Returns ENOTFOUND or
// ENAMETAKEN.
func (tx *Tx) SaveSavedReply(ctx context.Context, workspaceID int64, sr *beseda.SavedReply) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE saved_replies SET name = $1, text = $2, updated_at = $3
		WHERE id = $4 AND workspace_id = $5`, sr.Name, sr.Text, ms(sr.UpdatedAt), sr.ID, workspaceID)
	if IsUniqueViolation(err) {
		return beseda.Errorf(beseda.ENAMETAKEN, "a saved reply named %q already exists", sr.Name)
	} else if err != nil {
		return fmt.Errorf("save saved reply: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return beseda.NotFound("saved reply")
	}
	return nil
}

// DeleteSavedReply removes a saved reply. Returns ENOTFOUND.
func (tx *Tx) DeleteSavedReply(ctx context.Context, workspaceID, id int64) error {
	res, err := tx.q.ExecContext(ctx, `DELETE FROM saved_replies WHERE id = $1 AND workspace_id = $2`, id, workspaceID)
	if err != nil {
		return fmt.Errorf("delete saved reply: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return beseda.NotFound("saved reply")
	}
	return nil
}
