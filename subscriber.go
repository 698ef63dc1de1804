package beseda

import "time"

// Subscriber is a client of the business in one channel: a platform's user
// (by the platform's id for them) or a web-chat visitor.
type Subscriber struct {
	ID          int64       `json:"id"`
	WorkspaceID int64       `json:"-"`
	ChannelID   int64       `json:"channel_id"`
	ChannelKind ChannelKind `json:"channel_kind"`
	ExternalID  string      `json:"-"`
	Name        string      `json:"name"`
	CreatedAt   time.Time   `json:"created_at"`
	// Locale is the client's language as their app or browser last reported
	// it (ClientLanguage: "ru", "en", "de"…), empty while unknown. Standard
	// messages speak it when the product does, else the workspace's.
	Locale string `json:"locale,omitempty"`

	// LastMessageAt is when the last message of the chat, either way, was
	// stored or released (or when the subscriber appeared); chats are listed
	// by it. Broadcasts leave it alone, so that a mailing to everyone does
	// not reorder the chat list, and so do held and dropped automation.
	LastMessageAt *time.Time `json:"last_message_at"`
	// LastInboundAt is when the client last wrote: a platform's send window
	// (SendWindow) is counted from it.
	LastInboundAt *time.Time `json:"last_inbound_at"`

	// ActiveDialogID is the subscriber's active dialog, if any (C3).
	ActiveDialogID *int64 `json:"active_dialog_id"`
	// ReadAt is when the manager reading (the caller) last opened the chat
	// in the console: each manager has their own.
	ReadAt *time.Time `json:"read_at"`

	// Assignee is the manager the chat is assigned to, nil for none (A1);
	// WaitingSince, while the chat has none, is when the client wrote
	// first since: the queue's order (A2).
	Assignee     *Ref       `json:"assignee"`
	WaitingSince *time.Time `json:"waiting_since"`

	// Window is the client's send window on their platform now, when the
	// platform has one (read with one subscriber, not in lists).
	Window *WindowState `json:"window,omitempty"`
}

// Unread reports whether the client wrote since the manager reading last
// opened the chat.
func (s *Subscriber) Unread() bool {
	return s.LastInboundAt != nil && (s.ReadAt == nil || s.LastInboundAt.After(*s.ReadAt))
}

// ChatSummary is a chat as the chat list shows it: the client and the last
// message, either way.
type ChatSummary struct {
	*Subscriber
	LastMessage *Message `json:"last_message"`
}

// SubscriberFilter selects subscribers of a workspace.
type SubscriberFilter struct {
	WorkspaceID int64
	ReaderID    int64  // whose read marks ReadAt is
	Query       string // part of the name, any case
	AssigneeID  *int64 // only the chats of this manager
	Unassigned  bool   // only the chats without an assignee
	Offset      int
	Limit       int
}

// MayOpenDialog decides C3: a subscriber has at most one active dialog, so a
// new one may be opened only while none is active. The error names the
// active dialog. Callers decide it on the subscriber's locked row; the
// schema's partial unique index backs it up.
func (s *Subscriber) MayOpenDialog() error {
	if s.ActiveDialogID != nil {
		return ActiveDialogConflict(EACTIVEDIALOG, *s.ActiveDialogID)
	}
	return nil
}

// MayActivate decides S2: dialogID may become active again only if no other
// dialog of the subscriber is active.
func (s *Subscriber) MayActivate(dialogID int64) error {
	if s.ActiveDialogID != nil && *s.ActiveDialogID != dialogID {
		return ActiveDialogConflict(EACTIVEDIALOG, *s.ActiveDialogID)
	}
	return nil
}

// MayWriteGeneralChat decides W2 and W3: while the subscriber has an active
// dialog nobody writes in the general chat outside it; a paused or completed
// dialog is not active and locks nothing.
func (s *Subscriber) MayWriteGeneralChat() error {
	if s.ActiveDialogID != nil {
		return ActiveDialogConflict(EGENERALCHATLOCKED, *s.ActiveDialogID)
	}
	return nil
}
