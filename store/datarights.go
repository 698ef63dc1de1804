package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/beseda/beseda"
)

// FindRetention returns the workspace's retention policy; a workspace that
// set none keeps everything but its audit log (beseda.DefaultAuditDays).
func (r reader) FindRetention(ctx context.Context, workspaceID int64) (*beseda.Retention, error) {
	p, err := scanRetention(r.q.QueryRowContext(ctx, `SELECT messages_days, files_days, dialogs_days, audit_days, updated_at
		FROM retention_policies WHERE workspace_id = $1`, workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		days := beseda.DefaultAuditDays
		return &beseda.Retention{AuditDays: &days}, nil
	} else if err != nil {
		return nil, fmt.Errorf("find retention: %w", err)
	}
	return p, nil
}

func scanRetention(row interface{ Scan(...any) error }, extra ...any) (*beseda.Retention, error) {
	var messages, files, dialogs, audit, updated sql.NullInt64
	if err := row.Scan(append(extra, &messages, &files, &dialogs, &audit, &updated)...); err != nil {
		return nil, err
	}
	days := func(v sql.NullInt64) *int {
		if !v.Valid {
			return nil
		}
		n := int(v.Int64)
		return &n
	}
	p := &beseda.Retention{MessagesDays: days(messages), FilesDays: days(files), DialogsDays: days(dialogs),
		AuditDays: days(audit), UpdatedAt: fromNullMS(updated)}
	if !updated.Valid { // no policy row: the default
		n := beseda.DefaultAuditDays
		p.AuditDays = &n
	}
	return p, nil
}

// SaveRetention replaces the workspace's retention policy.
func (tx *Tx) SaveRetention(ctx context.Context, workspaceID int64, p *beseda.Retention, at time.Time) error {
	days := func(v *int) any {
		if v == nil {
			return nil
		}
		return *v
	}
	_, err := tx.q.ExecContext(ctx, `INSERT INTO retention_policies (workspace_id, messages_days, files_days, dialogs_days, audit_days, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (workspace_id) DO UPDATE
		SET messages_days = $2, files_days = $3, dialogs_days = $4, audit_days = $5, updated_at = $6`,
		workspaceID, days(p.MessagesDays), days(p.FilesDays), days(p.DialogsDays), days(p.AuditDays), ms(at))
	if err != nil {
		return fmt.Errorf("save retention: %w", err)
	}
	return nil
}

// WorkspaceRetention is a workspace and its policy.
type WorkspaceRetention struct {
	WorkspaceID int64
	Policy      *beseda.Retention
}

// FindRetentionPolicies returns every workspace with its policy (the
// default for those without one): the retention job's work list.
func (r reader) FindRetentionPolicies(ctx context.Context) ([]WorkspaceRetention, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT w.id, p.messages_days, p.files_days, p.dialogs_days, p.audit_days, p.updated_at
		FROM workspaces w LEFT JOIN retention_policies p ON p.workspace_id = w.id ORDER BY w.id`)
	if err != nil {
		return nil, fmt.Errorf("find retention policies: %w", err)
	}
	defer rows.Close()
	var out []WorkspaceRetention
	for rows.Next() {
		var w WorkspaceRetention
		if w.Policy, err = scanRetention(rows, &w.WorkspaceID); err != nil {
			return nil, fmt.Errorf("find retention policies: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// RemoveOldMessages removes up to limit of the workspace's messages created
// before cutoff, and marks their files for the sweep (RemovingUploads), and
// returns how many messages and files. Messages still on their way (pending,
// held) stay: the gate and the delivery engine own them. Index
// messages_workspace_created serves it.
func (tx *Tx) RemoveOldMessages(ctx context.Context, workspaceID int64, cutoff, now time.Time, limit int) (messages, files int64, err error) {
	ids, err := tx.ids(ctx, `SELECT id FROM messages WHERE workspace_id = $1 AND created_at < $2
		AND status NOT IN ('pending', 'held') ORDER BY created_at LIMIT $3`, workspaceID, ms(cutoff), limit)
	if err != nil || len(ids) == 0 {
		return 0, 0, err
	}
	files, err = tx.removeMessages(ctx, ids, now)
	return int64(len(ids)), files, err
}

// RemoveOldFiles marks for the sweep the files of up to limit of the
// workspace's messages created before cutoff (the messages stay, without
// their files), and returns how many files.
func (tx *Tx) RemoveOldFiles(ctx context.Context, workspaceID int64, cutoff, now time.Time, limit int) (int64, error) {
	ids, err := tx.ids(ctx, `SELECT id FROM messages WHERE workspace_id = $1 AND created_at < $2 AND attachments <> ''
		ORDER BY created_at LIMIT $3`, workspaceID, ms(cutoff), limit)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	files, err := tx.markFilesOf(ctx, ids, now)
	if err != nil {
		return 0, err
	}
	in, args := tx.inIDs("id", 1, ids)
	if _, err := tx.q.ExecContext(ctx, `UPDATE messages SET attachments = '' WHERE `+in, args...); err != nil {
		return 0, fmt.Errorf("remove old files: %w", err)
	}
	return files, nil
}

// RemoveOldDialogs removes up to limit of the workspace's completed dialogs
// whose completion is before cutoff, with everything that hangs off them:
// reason and component links, participants, history, SLA figures, tasks
// and notifications (ratings are the dialog's own columns). The messages
// written in them stay in the client's chat, detached (dialog_id NULL): the
// messages' retention governs them, and the chat shows a message without a
// dialog as one between dialogs. It returns how many dialogs went. Active
// and paused dialogs are never touched: the rows are locked on PostgreSQL,
// and one reactivated meanwhile no longer matches (SQLite has one writer).
// Index dialogs_report serves the choice, alone: completed after it was
// created, a dialog completed before the cutoff was created before it, so
// the scan is of the dialogs created before the cutoff that remain. The
// children go by indexes that start with dialog_id (tasks_dialog,
// notifications_dialog, messages_dialog, the keys of the links,
// participants and SLA rows, dialog_events_dialog).
func (tx *Tx) RemoveOldDialogs(ctx context.Context, workspaceID int64, cutoff time.Time, limit int) (int64, error) {
	ids, err := tx.ids(ctx, `SELECT id FROM dialogs d WHERE workspace_id = $1 AND created_at < $2
		AND status = 'completed' AND completed_at < $2 ORDER BY created_at LIMIT $3`+tx.forUpdate("d"), workspaceID, ms(cutoff), limit)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	// Children first (foreign keys, no cascades); %s is the batch's ids.
	steps := []string{
		`UPDATE messages SET dialog_id = NULL WHERE %s`,
		`DELETE FROM notifications WHERE task_id IN (SELECT id FROM tasks WHERE %s)`,
		`DELETE FROM notifications WHERE %s`,
		`DELETE FROM tasks WHERE %s`,
		`DELETE FROM dialog_sla WHERE %s`,
		`DELETE FROM dialog_events WHERE %s`,
		`DELETE FROM dialog_participants WHERE %s`,
		`DELETE FROM dialog_reason_links WHERE %s`,
		`DELETE FROM dialog_component_links WHERE %s`,
	}
	for _, step := range steps {
		cond, args := tx.inIDs("dialog_id", 1, ids)
		if _, err := tx.q.ExecContext(ctx, fmt.Sprintf(step, cond), args...); err != nil {
			return 0, fmt.Errorf("remove old dialogs: %w", err)
		}
	}
	cond, args := tx.inIDs("id", 1, ids)
	res, err := tx.q.ExecContext(ctx, `DELETE FROM dialogs WHERE `+cond, args...)
	if err != nil {
		return 0, fmt.Errorf("remove old dialogs: %w", err)
	}
	removed, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("remove old dialogs: %w", err)
	}
	return removed, nil
}

// markFilesOf detaches the files of the messages and marks them for the
// sweep, which removes them from disk after the commit and then their rows.
// Until then nobody can open them (FindUpload skips marked rows).
func (tx *Tx) markFilesOf(ctx context.Context, messageIDs []int64, now time.Time) (int64, error) {
	in, args := tx.inIDs("message_id", 2, messageIDs)
	res, err := tx.q.ExecContext(ctx, `UPDATE attachments SET removing_at = $1, message_id = NULL WHERE `+in,
		append([]any{ms(now)}, args...)...)
	if err != nil {
		return 0, fmt.Errorf("mark files: %w", err)
	}
	return res.RowsAffected()
}

// removeMessages deletes messages, marking their files for the sweep first
// and letting go of the dialogs' references to them (a rating form).
func (tx *Tx) removeMessages(ctx context.Context, ids []int64, now time.Time) (files int64, err error) {
	if files, err = tx.markFilesOf(ctx, ids, now); err != nil {
		return 0, err
	}
	in, args := tx.inIDs("rating_form_message_id", 1, ids)
	if _, err := tx.q.ExecContext(ctx, `UPDATE dialogs SET rating_form_message_id = NULL WHERE `+in, args...); err != nil {
		return 0, fmt.Errorf("remove messages: %w", err)
	}
	in, args = tx.inIDs("id", 1, ids)
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM messages WHERE `+in, args...); err != nil {
		return 0, fmt.Errorf("remove messages: %w", err)
	}
	return files, nil
}

func (tx *Tx) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := tx.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// EraseSubscriber erases a client of the workspace in one transaction
// (that of tx): its messages go, its files are marked for the sweep, its
// name and platform id are replaced, its dialogs keep their figures
// (status, times, type, ratings) without their titles, and erased_at is
// set last, in the same transaction: a crash at any point before the
// commit leaves the client as it was, never half erased. Returns ENOTFOUND.
func (tx *Tx) EraseSubscriber(ctx context.Context, workspaceID, subscriberID int64, now time.Time) (*beseda.Erasure, error) {
	e := &beseda.Erasure{SubscriberID: subscriberID, ErasedAt: now}
	var erased sql.NullInt64
	err := tx.q.QueryRowContext(ctx, `SELECT erased_at FROM subscribers s WHERE workspace_id = $1 AND id = $2`+tx.forUpdate("s"),
		workspaceID, subscriberID).Scan(&erased)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("subscriber")
	} else if err != nil {
		return nil, fmt.Errorf("erase subscriber: %w", err)
	}
	ids, err := tx.ids(ctx, `SELECT id FROM messages WHERE subscriber_id = $1`, subscriberID)
	if err != nil {
		return nil, fmt.Errorf("erase subscriber: %w", err)
	}
	if len(ids) > 0 {
		if e.Files, err = tx.removeMessages(ctx, ids, now); err != nil {
			return nil, err
		}
	}
	e.Messages = int64(len(ids))
	at := ms(now)
	steps := []struct {
		query string
		args  []any
		count *int64
	}{
		// Files the client uploaded and never sent.
		{`UPDATE attachments SET removing_at = $2 WHERE subscriber_id = $1 AND removing_at IS NULL`, []any{subscriberID, at}, &e.Files},
		{`UPDATE dialogs SET title = '` + beseda.ErasedName + `' WHERE subscriber_id = $1`, []any{subscriberID}, &e.DialogsKept},
		{`UPDATE dialog_events SET data = '{}' WHERE kind = 'title_changed'
			AND dialog_id IN (SELECT id FROM dialogs WHERE subscriber_id = $1)`, []any{subscriberID}, nil},
		{`UPDATE tasks SET title = '` + beseda.ErasedName + `' WHERE dialog_id IN (SELECT id FROM dialogs WHERE subscriber_id = $1)`,
			[]any{subscriberID}, nil},
		{`UPDATE notifications SET text = '` + beseda.ErasedName + `' WHERE dialog_id IN (SELECT id FROM dialogs WHERE subscriber_id = $1)`,
			[]any{subscriberID}, nil},
		{`DELETE FROM visitor_tokens WHERE subscriber_id = $1`, []any{subscriberID}, nil},
		// Last, so that a client shows as erased only once all of the above is.
		{`UPDATE subscribers SET name = '` + beseda.ErasedName + `', name_key = '', external_id = 'erased:' || id,
			locale = '', erased_at = $2 WHERE id = $1`, []any{subscriberID, at}, nil},
	}
	for _, s := range steps {
		res, err := tx.q.ExecContext(ctx, s.query, s.args...)
		if err != nil {
			return nil, fmt.Errorf("erase subscriber: %w", err)
		}
		if s.count != nil {
			n, _ := res.RowsAffected()
			*s.count += n
		}
	}
	return e, nil
}

// RemovingUploads returns up to limit files marked for removal and no
// longer attached (an erasure, the retention job, the sweep of unattached
// uploads): the sweep removes each from disk, then forgets it
// (DeleteUploads). Index attachments_removing serves it.
func (r reader) RemovingUploads(ctx context.Context, limit int) ([]*beseda.Upload, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, storage_key FROM attachments
		WHERE removing_at IS NOT NULL AND message_id IS NULL ORDER BY removing_at LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("removing uploads: %w", err)
	}
	defer rows.Close()
	var out []*beseda.Upload
	for rows.Next() {
		var u beseda.Upload
		if err := rows.Scan(&u.ID, &u.StorageKey); err != nil {
			return nil, fmt.Errorf("removing uploads: %w", err)
		}
		out = append(out, &u)
	}
	return out, rows.Err()
}

// FindErasedAt returns when the workspace's client was erased, nil if not.
func (r reader) FindErasedAt(ctx context.Context, workspaceID, subscriberID int64) (*time.Time, error) {
	var at sql.NullInt64
	err := r.q.QueryRowContext(ctx, `SELECT erased_at FROM subscribers WHERE workspace_id = $1 AND id = $2`,
		workspaceID, subscriberID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("subscriber")
	} else if err != nil {
		return nil, fmt.Errorf("find erased_at: %w", err)
	}
	return fromNullMS(at), nil
}
