package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/beseda/beseda"
)

// taskColumns read a task with its dialog's title of the moment (join
// dialogs d), so that a task follows its dialog's renames.
const taskColumns = `t.id, t.workspace_id, t.user_id, t.dialog_id, d.title, t.status, t.start_at, t.created_at, t.started_at, t.finished_at`

const taskFrom = ` FROM tasks t JOIN dialogs d ON d.id = t.dialog_id`

func scanTask(row interface{ Scan(...any) error }) (*beseda.Task, int64, error) {
	var t beseda.Task
	var workspaceID, start, created int64
	var status string
	var started, finished sql.NullInt64
	if err := row.Scan(&t.ID, &workspaceID, &t.UserID, &t.DialogID, &t.Title, &status, &start, &created, &started, &finished); err != nil {
		return nil, 0, err
	}
	t.Status, t.StartAt, t.CreatedAt = beseda.TaskStatus(status), fromMS(start), fromMS(created)
	t.StartedAt, t.FinishedAt = fromNullMS(started), fromNullMS(finished)
	return &t, workspaceID, nil
}

// CreateTask stores a task and sets its ID.
func (tx *Tx) CreateTask(ctx context.Context, workspaceID int64, t *beseda.Task) error {
	err := tx.q.QueryRowContext(ctx, `INSERT INTO tasks (workspace_id, user_id, dialog_id, title, status, start_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		workspaceID, t.UserID, t.DialogID, t.Title, string(t.Status), ms(t.StartAt), ms(t.CreatedAt)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("create task: %w", err)
	}
	return nil
}

// LockTask reads a task and locks it, with its workspace. Returns ENOTFOUND.
func (tx *Tx) LockTask(ctx context.Context, id int64) (*beseda.Task, int64, error) {
	t, ws, err := scanTask(tx.q.QueryRowContext(ctx, `SELECT `+taskColumns+taskFrom+` WHERE t.id = $1`+tx.forUpdate("t"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, beseda.NotFound("task")
	} else if err != nil {
		return nil, 0, fmt.Errorf("lock task: %w", err)
	}
	return t, ws, nil
}

// SaveTask writes a task's status and times.
func (tx *Tx) SaveTask(ctx context.Context, t *beseda.Task) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE tasks SET status = $1, started_at = $2, finished_at = $3 WHERE id = $4`,
		string(t.Status), nullMS(t.StartedAt), nullMS(t.FinishedAt), t.ID)
	if err != nil {
		return fmt.Errorf("save task: %w", err)
	}
	return nil
}

// OpenTasks returns the open tasks of a dialog, of one manager if userID > 0.
func (tx *Tx) OpenTasks(ctx context.Context, dialogID, userID int64) ([]*beseda.Task, error) {
	q, args := `SELECT `+taskColumns+taskFrom+` WHERE t.dialog_id = $1 AND t.status IN ('scheduled', 'started')`, []any{dialogID}
	if userID > 0 {
		q, args = q+` AND t.user_id = $2`, append(args, userID)
	}
	return tx.findTasks(ctx, q+` ORDER BY t.id`, args...)
}

// FindTasks returns a manager's tasks, newest first.
func (r reader) FindTasks(ctx context.Context, workspaceID, userID int64, limit int) ([]*beseda.Task, error) {
	return r.findTasks(ctx, `SELECT `+taskColumns+taskFrom+` WHERE t.workspace_id = $1 AND t.user_id = $2
		ORDER BY t.id DESC LIMIT $3`, workspaceID, userID, limit)
}

func (r reader) findTasks(ctx context.Context, query string, args ...any) ([]*beseda.Task, error) {
	rows, err := r.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("find tasks: %w", err)
	}
	defer rows.Close()
	out := []*beseda.Task{}
	for rows.Next() {
		t, _, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("find tasks: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// CreateNotification stores a notification unless one of its kind exists for
// the task already (created is false then): whichever process tries second.
func (tx *Tx) CreateNotification(ctx context.Context, workspaceID int64, n *beseda.Notification) (bool, error) {
	var args any // NULL: a notification of text only
	if n.Args != nil {
		raw, err := json.Marshal(n.Args)
		if err != nil {
			return false, fmt.Errorf("create notification: %w", err)
		}
		args = string(raw)
	}
	err := tx.q.QueryRowContext(ctx, `INSERT INTO notifications (workspace_id, user_id, kind, text, args, dialog_id, task_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (task_id, kind) WHERE task_id IS NOT NULL DO NOTHING RETURNING id`,
		workspaceID, n.UserID, string(n.Kind), n.Text, args, nullID(n.DialogID), nullID(n.TaskID), ms(n.CreatedAt)).Scan(&n.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("create notification: %w", err)
	}
	return true, nil
}

// FindNotifications returns a manager's notifications, newest first; only
// unread ones if asked. Each comes with its dialog's title and its task's
// status of the moment.
func (r reader) FindNotifications(ctx context.Context, workspaceID, userID int64, unread bool, limit int) ([]*beseda.Notification, error) {
	q := `SELECT n.id, n.user_id, n.kind, n.text, n.args, n.dialog_id, n.task_id, n.created_at, n.read_at, COALESCE(d.title, ''),
			COALESCE(t.status, '')
		FROM notifications n LEFT JOIN dialogs d ON d.id = n.dialog_id LEFT JOIN tasks t ON t.id = n.task_id
		WHERE n.workspace_id = $1 AND n.user_id = $2`
	if unread {
		q += ` AND n.read_at IS NULL`
	}
	rows, err := r.q.QueryContext(ctx, q+` ORDER BY n.id DESC LIMIT $3`, workspaceID, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("find notifications: %w", err)
	}
	defer rows.Close()
	out := []*beseda.Notification{}
	for rows.Next() {
		var n beseda.Notification
		var kind string
		var dialogID, taskID, read sql.NullInt64
		var created int64
		var args sql.NullString
		var taskStatus string
		if err := rows.Scan(&n.ID, &n.UserID, &kind, &n.Text, &args, &dialogID, &taskID, &created, &read, &n.Title, &taskStatus); err != nil {
			return nil, fmt.Errorf("find notifications: %w", err)
		}
		if args.Valid {
			n.Args = &beseda.NotificationArgs{}
			if err := json.Unmarshal([]byte(args.String), n.Args); err != nil {
				return nil, fmt.Errorf("find notifications: args of %d: %w", n.ID, err)
			}
		}
		n.Kind, n.DialogID, n.TaskID = beseda.NotificationKind(kind), fromNullID(dialogID), fromNullID(taskID)
		n.TaskStatus = beseda.TaskStatus(taskStatus)
		n.CreatedAt, n.ReadAt = fromMS(created), fromNullMS(read)
		out = append(out, &n)
	}
	return out, rows.Err()
}

// CountUnread counts a manager's unread notifications (index notifications_unread).
func (r reader) CountUnread(ctx context.Context, userID int64) (int, error) {
	var n int
	err := r.q.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count unread: %w", err)
	}
	return n, nil
}

// MarkRead marks a manager's notification read (id 0: all of them). Returns
// ENOTFOUND for another manager's notification.
func (tx *Tx) MarkRead(ctx context.Context, userID, id int64, at time.Time) error {
	q, args := `UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL`, []any{ms(at), userID}
	if id > 0 {
		var owner int64
		err := tx.q.QueryRowContext(ctx, `SELECT user_id FROM notifications WHERE id = $1`, id).Scan(&owner)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != userID) {
			return beseda.NotFound("notification")
		} else if err != nil {
			return fmt.Errorf("mark read: %w", err)
		}
		q, args = q+` AND id = $3`, append(args, id)
	}
	if _, err := tx.q.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("mark read: %w", err)
	}
	return nil
}
