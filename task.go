package beseda

import (
	"encoding/json"
	"time"
)

// TaskStatus is where a personal task is (C2, S3).
type TaskStatus string

const (
	TaskScheduled TaskStatus = "scheduled"
	TaskStarted   TaskStatus = "started"
	TaskDone      TaskStatus = "done"
	TaskCancelled TaskStatus = "cancelled"
)

// Open reports whether the task still waits for or takes the manager's time.
func (s TaskStatus) Open() bool { return s == TaskScheduled || s == TaskStarted }

// Task is a manager's personal task to handle a dialog they were added to
// (C2). It starts a while after the add; completing the dialog completes it,
// removing the manager cancels it (S3).
type Task struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	DialogID   int64      `json:"dialog_id"`
	Title      string     `json:"title"`
	Status     TaskStatus `json:"status"`
	StartAt    time.Time  `json:"start_at"`
	CreatedAt  time.Time  `json:"created_at"`
	StartedAt  *time.Time `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
}

// NotificationKind says what a notification is about.
type NotificationKind string

const (
	NotifyTaskScheduled NotificationKind = "task_scheduled" // "starts in 5 minutes"
	NotifyTaskStarted   NotificationKind = "task_started"
	// NotifyTaskCancelled: the manager was removed from the dialog (S3),
	// so their task will not start.
	NotifyTaskCancelled NotificationKind = "task_cancelled"
	// NotifySLAWarning and NotifySLABreached: a dialog's SLA target is near
	// or missed (T5); Args.Target names it.
	NotifySLAWarning  NotificationKind = "sla_warning"
	NotifySLABreached NotificationKind = "sla_breached"
)

// Notification is a message to one manager in the console. It is stored as
// its kind and arguments, and its Text is written when it is read, in the
// reader's language and with the dialog's title of the moment.
type Notification struct {
	ID        int64            `json:"id"`
	UserID    int64            `json:"-"`
	Kind      NotificationKind `json:"kind"`
	Text      string           `json:"text"`
	DialogID  *int64           `json:"dialog_id"`
	TaskID    *int64           `json:"task_id"`
	CreatedAt time.Time        `json:"created_at"`
	ReadAt    *time.Time       `json:"read_at"`

	// Args is what the text is made of; nil for notifications stored as text
	// only (before arguments were kept), whose Text is then the stored one.
	Args *NotificationArgs `json:"-"`
	// Title is the title of the notification's dialog, read with it.
	Title string `json:"-"`
	// TaskStatus is where the notification's task is now, read with it: a
	// "starts in 5 minutes" of a cancelled task says so.
	TaskStatus TaskStatus `json:"-"`
}

// NotificationArgs are the arguments of a notification's text besides the
// dialog's title: how long until a scheduled task starts.
type NotificationArgs struct {
	Minutes int       `json:"minutes,omitempty"`
	Seconds int       `json:"seconds,omitempty"`
	Target  SLATarget `json:"target,omitempty"`
}

// Live streams are capped per holder (each process counts its own): one
// web-chat client (its visitor token) keeps at most LiveStreamsPerVisitor
// open at once, one manager (all their console tabs and API clients) at
// most LiveStreamsPerUser. One more ends the holder's oldest stream, which
// is told so (event "evicted") and does not reconnect until its tab is
// shown again: the tab a person just opened works, and a stream whose
// client vanished without a word cannot keep a newer one out. A browser
// opens at most 6 connections to a site over HTTP/1.1, so the caps leave
// room for every tab a person really opens.
const (
	LiveStreamsPerVisitor = 5
	LiveStreamsPerUser    = 20
)

// LiveEvent is a change that connected consoles hear about at once (Server-
// Sent Events): in the workspace, or only for one manager (UserID).
type LiveEvent struct {
	ID          int64           `json:"id"`
	WorkspaceID int64           `json:"-"`
	UserID      *int64          `json:"-"`
	Kind        string          `json:"kind"`
	Data        json.RawMessage `json:"data"`
	CreatedAt   time.Time       `json:"created_at"`
}

// Live event kinds.
const (
	LiveMessageCreated      = "message.created"
	LiveMessagesUpdated     = "messages.updated"
	LiveDialogChanged       = "dialog.changed"
	LiveChatAssigned        = "chat.assigned"
	LiveTaskChanged         = "task.changed"
	LiveNotificationCreated = "notification.created"
	LiveBroadcastProgress   = "broadcast.progress"
)
