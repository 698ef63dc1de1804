package beseda

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Source says who produced an outgoing message; the automation gate treats
// sources differently (SPEC §1).
type Source string

const (
	SourceManager   Source = "manager"
	SourceFunnel    Source = "funnel"
	SourceBroadcast Source = "broadcast"
	SourceAISupport Source = "ai_support"
	SourceSystem    Source = "system"
	// SourceClient marks messages written by the client (direction in).
	SourceClient Source = "client"
)

func (s Source) Valid() bool {
	switch s {
	case SourceManager, SourceFunnel, SourceBroadcast, SourceAISupport, SourceSystem, SourceClient:
		return true
	}
	return false
}

// Direction of a message: in from the client, out to the client.
type Direction string

const (
	DirectionIn  Direction = "in"
	DirectionOut Direction = "out"
)

// MessageStatus is where a message is on its way (SPEC §3).
type MessageStatus string

const (
	// MessagePending: accepted, waiting for delivery.
	MessagePending MessageStatus = "pending"
	// MessageSent: handed to the channel (or, for incoming messages, received).
	MessageSent MessageStatus = "sent"
	// MessageHeld: automation waiting for the client's active dialog to end (G1).
	MessageHeld MessageStatus = "held"
	// MessageDropped: automation that is never delivered (G1), kept for the record.
	MessageDropped MessageStatus = "dropped"
	// MessageFailed: delivery gave up; Reason says why.
	MessageFailed MessageStatus = "failed"
)

// Button is a reply button under a message: a tap sends Payload back as a
// postback.
type Button struct {
	Title   string `json:"title"`
	Payload string `json:"payload"`
	// Chosen marks, on a rating form the client answered, the button they
	// chose (R3): the form shows as answered. It is read, never stored.
	Chosen bool `json:"chosen,omitempty"`
}

// Message is one message of a client's chat. DialogID is set when it was sent
// or received within a dialog (W5); nil means the general chat. Text may be
// empty when the message carries files.
type Message struct {
	ID           int64         `json:"id"`
	WorkspaceID  int64         `json:"-"`
	SubscriberID int64         `json:"subscriber_id"`
	ChannelID    int64         `json:"-"`
	DialogID     *int64        `json:"dialog_id"`
	Direction    Direction     `json:"direction"`
	Source       Source        `json:"source"`
	AuthorID     *int64        `json:"author_id,omitempty"`
	Text         string        `json:"text"`
	Buttons      []Button      `json:"buttons"`
	Status       MessageStatus `json:"status"`
	Reason       string        `json:"reason,omitempty"` // why failed or dropped
	CreatedAt    time.Time     `json:"created_at"`
	SentAt       *time.Time    `json:"sent_at,omitempty"`
	// DeliveredAt and ReadAt are when the platform reported the message
	// delivered to the client's device and read (its status webhooks); nil
	// until then, and on channels that report neither.
	DeliveredAt *time.Time `json:"delivered_at"`
	ReadAt      *time.Time `json:"read_at"`
	// ReleasedAt is when automation held during a dialog was released (G2):
	// from then on the message stands in its chat after everything said
	// before the release, while CreatedAt stays when it was produced.
	ReleasedAt *time.Time `json:"released_at,omitempty"`

	// Template, when set, is the platform's message template the message
	// was sent as (its Text is the template rendered); Fallback is the one
	// automation gave to be sent instead of Text should the client's window
	// be closed at delivery (see SendWindow.Prepare).
	Template *TemplateRef `json:"template,omitempty"`
	Fallback *TemplateRef `json:"fallback,omitempty"`

	// Attachments are the message's files; a channel's sender gets them with
	// the message (Delivery).
	Attachments []Attachment `json:"attachments"`
	// Internal marks a note managers leave each other in a dialog: the
	// client never gets it, in no channel.
	Internal bool `json:"internal"`

	// Delivery bookkeeping.
	IdempotencyKey string     `json:"idempotency_key,omitempty"`
	BroadcastID    *int64     `json:"broadcast_id,omitempty"`
	Attempts       int        `json:"attempts,omitempty"`        // failed sends so far
	NextAttemptAt  *time.Time `json:"next_attempt_at,omitempty"` // when a retry is due
	SendingAt      *time.Time `json:"-"`                         // a send to the messenger is in flight
	ExternalID     string     `json:"-"`                         // the messenger's id of the message
	// PartsSent counts the platform messages of one in several (a text and
	// files) that earlier attempts delivered: a retry sends the rest.
	PartsSent int `json:"-"`
	// Resent says the message was sent again after a crash hid whether its
	// first send reached the platform (SPEC D3), on a platform that does
	// not report what it took: the client may have it twice.
	Resent bool `json:"resent,omitempty"`
}

// ShownAt is when the message took its place in the chat: when it was
// produced, or, for automation held during a dialog, when it was released.
func (m *Message) ShownAt() time.Time {
	if m.ReleasedAt != nil {
		return *m.ReleasedAt
	}
	return m.CreatedAt
}

// MessageFilter selects messages of one chat. Pages are in the chat's order
// (the order of production, but held automation stands where it was
// released): by default the newest messages, or those before the message
// BeforeID; with Forward, those after the message AfterID.
type MessageFilter struct {
	WorkspaceID     int64
	SubscriberID    int64
	DialogID        *int64 // only the messages of this dialog (W5)
	VisibleToClient bool   // only what the client can see: theirs and delivered ones, no internal notes
	BeforeID        int64
	AfterID         int64
	Forward         bool // page forwards from AfterID (0: from the first message)
	Limit           int
}

// CheckText refuses text that would not be stored alike on every database
// (H1): PostgreSQL takes no NUL byte and no invalid UTF-8, SQLite takes both.
// Managers and API callers typed it, so they are told and nothing is stored.
// what names the field in the error.
func CheckText(what, s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return Errorf(EINVALID, "%s must not contain a NUL byte", Field(what))
	}
	if !utf8.ValidString(s) {
		return Errorf(EINVALID, "%s must be valid UTF-8", Field(what))
	}
	return nil
}

// SanitizeText makes text that arrived from a messenger storable (H1): NUL
// bytes are removed and invalid UTF-8 becomes U+FFFD. A client cannot be
// asked to write again, and a refused update would only be redelivered.
func SanitizeText(s string) string {
	if CheckText("", s) == nil {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// HasText reports whether a messenger's text says anything once cleaned
// (SanitizeText): parsers that stand a placeholder for a message without
// text must ask this, for a text the cleaning empties would be refused and
// the message lost.
func HasText(s string) bool { return strings.TrimSpace(SanitizeText(s)) != "" }
