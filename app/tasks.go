package app

import (
	"context"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/i18n"
	"github.com/beseda/beseda/store"
)

// DefaultTaskStartDelay is how long after being added to a dialog a manager's
// task starts (C2).
const DefaultTaskStartDelay = 5 * time.Minute

// assignTasks gives every manager added to a dialog (never its creator) a
// personal task titled after the dialog, starting after the configured delay,
// and at once a notification saying when (C2). The task's start is a River
// job at its start time.
func (a *Tasks) assignTasks(ctx context.Context, tx *store.Tx, d *beseda.Dialog, users []beseda.Ref) error {
	for _, u := range users {
		if u.ID == d.CreatedBy.ID {
			continue
		}
		now := a.now()
		t := &beseda.Task{UserID: u.ID, DialogID: d.ID, Title: d.Title, Status: beseda.TaskScheduled,
			StartAt: now.Add(a.cfg.TaskStartDelay), CreatedAt: now}
		if err := tx.CreateTask(ctx, d.WorkspaceID, t); err != nil {
			return err
		}
		args := beseda.NotificationArgs{Minutes: int(a.cfg.TaskStartDelay.Round(time.Minute) / time.Minute)}
		if a.cfg.TaskStartDelay < time.Minute {
			args = beseda.NotificationArgs{Seconds: int(a.cfg.TaskStartDelay / time.Second)}
		}
		if err := a.notify(ctx, tx, d.WorkspaceID, t, beseda.NotifyTaskScheduled, args); err != nil {
			return err
		}
		if err := a.emitTask(ctx, tx, d.WorkspaceID, t); err != nil {
			return err
		}
		if err := a.jobs.StartTask(ctx, tx, t.ID, t.StartAt); err != nil {
			return err
		}
	}
	return nil
}

// finishTasks closes the open tasks of a dialog — of one manager, or all —
// as done (the dialog was completed) or cancelled (the manager was removed)
// (S3). A manager whose task is cancelled is told, so that a "starts in 5
// minutes" does not stand alone.
func (a *Tasks) finishTasks(ctx context.Context, tx *store.Tx, d *beseda.Dialog, userID int64, status beseda.TaskStatus) error {
	tasks, err := tx.OpenTasks(ctx, d.ID, userID)
	if err != nil {
		return err
	}
	for _, t := range tasks {
		now := a.now()
		t.Status, t.FinishedAt = status, &now
		if err := tx.SaveTask(ctx, t); err != nil {
			return err
		}
		if status == beseda.TaskCancelled {
			if err := a.notify(ctx, tx, d.WorkspaceID, t, beseda.NotifyTaskCancelled, beseda.NotificationArgs{}); err != nil {
				return err
			}
		}
		if err := a.emitTask(ctx, tx, d.WorkspaceID, t); err != nil {
			return err
		}
	}
	return nil
}

// StartTask starts a task at its time and tells its manager. A task that was
// finished meanwhile, or started already (by another process), stays as it
// is. If the task is not due by the application's clock it returns how long
// to wait.
func (a *Tasks) StartTask(ctx context.Context, taskID int64) (time.Duration, error) {
	var wait time.Duration
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		t, ws, err := tx.LockTask(ctx, taskID)
		if err != nil || t.Status != beseda.TaskScheduled {
			return err
		}
		now := a.now()
		if wait = t.StartAt.Sub(now); wait > 0 {
			return nil
		}
		t.Status, t.StartedAt = beseda.TaskStarted, &now
		if err := tx.SaveTask(ctx, t); err != nil {
			return err
		}
		if err := a.notify(ctx, tx, ws, t, beseda.NotifyTaskStarted, beseda.NotificationArgs{}); err != nil {
			return err
		}
		return a.emitTask(ctx, tx, ws, t)
	})
	return max(wait, 0), err
}

// notify creates a task's notification once and tells its manager live. It
// stores the kind and arguments only; the live event carries the text in the
// manager's language, as the console shows it at once.
func (a *Tasks) notify(ctx context.Context, tx *store.Tx, workspaceID int64, t *beseda.Task, kind beseda.NotificationKind, args beseda.NotificationArgs) error {
	n := &beseda.Notification{UserID: t.UserID, Kind: kind, Args: &args, DialogID: &t.DialogID, TaskID: &t.ID, CreatedAt: a.now()}
	created, err := tx.CreateNotification(ctx, workspaceID, n)
	if err != nil || !created {
		return err
	}
	p, err := a.printerFor(ctx, tx, workspaceID, t.UserID)
	if err != nil {
		return err
	}
	n.Title = t.Title
	n.Text = p.Notification(n)
	return a.emit(ctx, tx, workspaceID, &t.UserID, beseda.LiveNotificationCreated, n)
}

func (a *Tasks) emitTask(ctx context.Context, tx *store.Tx, workspaceID int64, t *beseda.Task) error {
	return a.emit(ctx, tx, workspaceID, &t.UserID, beseda.LiveTaskChanged, t)
}

// printerFor speaks the manager's language, or the workspace's.
func (a *Tasks) printerFor(ctx context.Context, tx *store.Tx, workspaceID, userID int64) (*i18n.Printer, error) {
	u, err := tx.FindUserByID(ctx, workspaceID, userID)
	if err != nil {
		return nil, err
	}
	if u.Locale != "" {
		return i18n.For(u.Locale), nil
	}
	ws, err := tx.FindWorkspaceByID(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	return i18n.For(ws.Locale), nil
}

// ListTasks returns the actor's tasks, newest first.
func (a *Tasks) ListTasks(ctx context.Context, actor *beseda.User) ([]*beseda.Task, error) {
	return a.db.FindTasks(ctx, actor.WorkspaceID, actor.ID, 200)
}

// ListNotifications returns the actor's notifications, newest first, with
// their text in the locale (empty: the actor's language, else the
// workspace's), and how many are unread.
func (a *Tasks) ListNotifications(ctx context.Context, actor *beseda.User, unreadOnly bool, locale beseda.Locale) ([]*beseda.Notification, int, error) {
	list, err := a.db.FindNotifications(ctx, actor.WorkspaceID, actor.ID, unreadOnly, 200)
	if err != nil {
		return nil, 0, err
	}
	if locale == "" {
		locale = actor.Locale
	}
	if locale == "" {
		ws, err := a.db.FindWorkspaceByID(ctx, actor.WorkspaceID)
		if err != nil {
			return nil, 0, err
		}
		locale = ws.Locale
	}
	p := i18n.For(locale)
	for _, n := range list {
		n.Text = p.Notification(n)
	}
	unread, err := a.db.CountUnread(ctx, actor.ID)
	return list, unread, err
}

// UnreadCount is how many of the actor's notifications are unread (the bell).
func (a *Tasks) UnreadCount(ctx context.Context, actor *beseda.User) (int, error) {
	return a.db.CountUnread(ctx, actor.ID)
}

// MarkNotificationRead marks one of the actor's notifications read; id 0
// marks all of them.
func (a *Tasks) MarkNotificationRead(ctx context.Context, actor *beseda.User, id int64) error {
	return a.db.Update(ctx, func(tx *store.Tx) error { return tx.MarkRead(ctx, actor.ID, id, a.now()) })
}
