package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/beseda/beseda"
)

// AddAuditEntry appends e to its workspace's audit log and sets its ID.
// There is no method that changes an entry: the log is append-only (a
// trigger refuses UPDATE too).
func (tx *Tx) AddAuditEntry(ctx context.Context, e *beseda.AuditEntry) error {
	changes := e.Changes
	if changes == nil {
		changes = map[string]any{}
	}
	data, err := json.Marshal(changes)
	if err != nil {
		return fmt.Errorf("add audit entry: %w", err)
	}
	var actorID any
	actorName := ""
	if e.Actor != nil {
		actorID, actorName = e.Actor.ID, e.Actor.Name
	}
	err = tx.q.QueryRowContext(ctx, `INSERT INTO audit_log (workspace_id, at, actor_id, actor_name, via, address,
		action, target_kind, target_id, changes, token_id, token_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		RETURNING id`,
		e.WorkspaceID, ms(e.At), actorID, actorName, e.Via, e.Address, string(e.Action), e.TargetKind,
		nullID(e.TargetID), string(data), nullID(e.TokenID), e.TokenName).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("add audit entry: %w", err)
	}
	return nil
}

// FindAuditEntries returns a page of the workspace's audit log, newest
// first, and whether older entries match too. Index audit_log_workspace
// serves it (workspace, then id downwards).
func (r reader) FindAuditEntries(ctx context.Context, workspaceID int64, f beseda.AuditFilter) ([]*beseda.AuditEntry, bool, error) {
	where := []string{"workspace_id = $1"}
	args := []any{workspaceID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Before > 0 {
		add("id < $%d", f.Before)
	}
	if f.ActorID != nil {
		add("actor_id = $%d", *f.ActorID)
	}
	if f.Action != "" {
		add("action = $%d", string(f.Action))
	}
	if f.From != nil {
		add("at >= $%d", ms(*f.From))
	}
	if f.To != nil {
		add("at < $%d", ms(*f.To))
	}
	args = append(args, f.Limit+1)
	rows, err := r.q.QueryContext(ctx, fmt.Sprintf(`SELECT id, at, actor_id, actor_name, via, address, action,
		target_kind, target_id, changes, token_id, token_name FROM audit_log WHERE %s ORDER BY id DESC LIMIT $%d`,
		strings.Join(where, " AND "), len(args)), args...)
	if err != nil {
		return nil, false, fmt.Errorf("find audit entries: %w", err)
	}
	defer rows.Close()
	out := []*beseda.AuditEntry{}
	for rows.Next() {
		e := &beseda.AuditEntry{WorkspaceID: workspaceID}
		var at int64
		var actorID, targetID, tokenID sql.NullInt64
		var actorName, action, changes string
		if err := rows.Scan(&e.ID, &at, &actorID, &actorName, &e.Via, &e.Address, &action, &e.TargetKind,
			&targetID, &changes, &tokenID, &e.TokenName); err != nil {
			return nil, false, fmt.Errorf("find audit entries: %w", err)
		}
		e.At, e.Action, e.TargetID, e.TokenID = fromMS(at), beseda.AuditAction(action), fromNullID(targetID), fromNullID(tokenID)
		if actorID.Valid {
			e.Actor = &beseda.Ref{ID: actorID.Int64, Name: actorName}
		}
		if err := json.Unmarshal([]byte(changes), &e.Changes); err != nil {
			return nil, false, fmt.Errorf("find audit entries: changes of %d: %w", e.ID, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("find audit entries: %w", err)
	}
	more := len(out) > f.Limit
	if more {
		out = out[:f.Limit]
	}
	return out, more, nil
}

// DeleteAuditEntriesBefore removes the workspace's entries older than
// cutoff, the one way entries ever leave the log (retention), and returns
// how many went. Index audit_log_at serves it.
func (tx *Tx) DeleteAuditEntriesBefore(ctx context.Context, workspaceID int64, cutoff time.Time) (int64, error) {
	res, err := tx.q.ExecContext(ctx, `DELETE FROM audit_log WHERE workspace_id = $1 AND at < $2`, workspaceID, ms(cutoff))
	if err != nil {
		return 0, fmt.Errorf("delete audit entries: %w", err)
	}
	return res.RowsAffected()
}
