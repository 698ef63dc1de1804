package beseda

import "time"

// Retention is a workspace's policy of how long it keeps what its clients
// and managers leave behind; nil keeps for ever. The retention job removes
// whatever is older, in sets, on the injected clock.
type Retention struct {
	// MessagesDays: messages older than that are removed, with their files.
	MessagesDays *int `json:"messages_days"`
	// FilesDays: files older than that are removed; their messages stay.
	FilesDays *int `json:"files_days"`
	// DialogsDays: completed dialogs whose completion is older than that
	// are removed, with all that hangs off them (participants, reasons,
	// components, ratings, history, tasks, notifications, SLA figures), and
	// leave the report. The messages written in them stay in the client's
	// chat, no longer marked with a dialog: MessagesDays governs them.
	// Active and paused dialogs are never removed, however old.
	DialogsDays *int `json:"dialogs_days"`
	// AuditDays: audit log entries older than that are removed. A new
	// workspace keeps them DefaultAuditDays.
	AuditDays *int       `json:"audit_days"`
	UpdatedAt *time.Time `json:"updated_at"`
}

// DefaultAuditDays is how long a workspace that set no policy keeps its
// audit log: long enough for a yearly review.
const DefaultAuditDays = 400

// MaxRetentionDays bounds every period (about 100 years).
const MaxRetentionDays = 36500

// Validate checks that each period is a whole number of days from 1 to
// MaxRetentionDays.
func (r *Retention) Validate() error {
	for _, f := range []struct {
		name string
		v    *int
	}{{"messages_days", r.MessagesDays}, {"files_days", r.FilesDays}, {"dialogs_days", r.DialogsDays},
		{"audit_days", r.AuditDays}} {
		if f.v != nil && (*f.v < 1 || *f.v > MaxRetentionDays) {
			return Errorf(EINVALID, "%s must be from 1 to %d days, or null to keep for ever", Field(f.name), MaxRetentionDays)
		}
	}
	return nil
}

// Cutoff is the moment before which a period of days ends, seen at now; nil
// for a period that keeps for ever.
func Cutoff(days *int, now time.Time) *time.Time {
	if days == nil {
		return nil
	}
	t := now.Add(-time.Duration(*days) * 24 * time.Hour)
	return &t
}

// RetentionReport is what one run of the retention job removed in a
// workspace.
type RetentionReport struct {
	WorkspaceID  int64 `json:"-"`
	Messages     int64 `json:"messages"`
	Files        int64 `json:"files"`
	Dialogs      int64 `json:"dialogs"`
	AuditEntries int64 `json:"audit_entries"`
}

// Empty reports whether nothing was removed.
func (r RetentionReport) Empty() bool {
	return r.Messages == 0 && r.Files == 0 && r.Dialogs == 0 && r.AuditEntries == 0
}

// Erasure is what erasing a client removed: its messages and files; its
// dialogs and ratings stay, without title or name, as figures for the
// report.
type Erasure struct {
	SubscriberID int64     `json:"subscriber_id"`
	ErasedAt     time.Time `json:"erased_at"`
	Messages     int64     `json:"messages"`
	Files        int64     `json:"files"`
	DialogsKept  int64     `json:"dialogs_kept"`
}

// ErasedName is the name an erased client keeps in dialogs and reports.
const ErasedName = "—"
