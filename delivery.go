package beseda

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Sender hands a message to a messenger's platform, rendering its text and
// buttons the platform's way. The web chat needs none: a stored message is
// what its widget fetches.
type Sender interface {
	// Send delivers the message to the client and returns the messenger's id
	// of it. Failures are *SendError when the sender can tell what kind they
	// are. The message carries its id, so a retry is recognisable.
	Send(ctx context.Context, d Delivery) (externalID string, err error)
}

// Delivery is one message on its way to a messenger.
type Delivery struct {
	Channel    *Channel
	Subscriber *Subscriber
	Message    *Message
	// HumanAgent asks the platform to let a manager's message through after
	// its window, where it allows that (a human agent's message tag); see
	// SendWindow.
	HumanAgent bool
	// UsedFallback says the window was closed and the message goes as its
	// fallback template (Message.Template is now that, Text its rendering).
	UsedFallback bool
	// Files opens the message's attachments, for senders that upload them.
	Files FileOpener
}

// SendError is a failed send, classified for the retry policy.
type SendError struct {
	Reason     string        // short and safe to show on the failed message
	Permanent  bool          // retrying cannot help (blocked bot, bad request, closed window)
	RetryAfter time.Duration // the messenger asked to wait this long (rate limit)
	// PartsSent counts the parts of a message in several (its files) that
	// went out, this attempt and earlier ones, before the failure (see
	// Message.PartsSent).
	PartsSent int
	Err       error
}

func (e *SendError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Reason, e.Err)
	}
	return e.Reason
}

func (e *SendError) Unwrap() error { return e.Err }

// Pacing is how fast a channel may send: at most PerSecond messages per
// second in all, and one message per PerChat to one client. Zero means no
// limit.
type Pacing struct {
	PerSecond float64
	PerChat   time.Duration
}

// SendTag is what a message is sent with, on platforms that hand it back on
// their webhook with their later reports of the message (a status update, an
// echo). A send cut off by a crash is thus known to have reached the
// platform, and is not sent again (SPEC D3).
func SendTag(messageID int64) string { return sendTagPrefix + strconv.FormatInt(messageID, 10) }

// ParseSendTag reads a tag SendTag made; false for any other text.
func ParseSendTag(tag string) (int64, bool) {
	rest, ok := strings.CutPrefix(tag, sendTagPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

const sendTagPrefix = "beseda:message:"

// SendConfirmer is a channel type whose platform reports on its webhook every
// message it took, with its SendTag. A send whose outcome a crash hid is
// then recorded as sent when the report comes, and sent again only if none
// came within ConfirmWait of the send. Other types' interrupted sends are
// sent again at once, marked resent: the client may see them twice, never
// not at all.
type SendConfirmer interface {
	ConfirmWait() time.Duration
}

// ConfirmWait is how long an interrupted send of the kind waits for the
// platform's report before it is sent again; 0 when the platform reports
// nothing.
func (r *Registry) ConfirmWait(kind ChannelKind) time.Duration {
	if c, ok := r.Of(kind).(SendConfirmer); ok {
		return c.ConfirmWait()
	}
	return 0
}

// Lease is a deliverer's hold on a channel's delivery: one deliverer per
// channel at a time. The store takes, renews and checks it.
type Lease struct {
	ChannelID int64
	Holder    string
	// Session is the store's lock session the lease was taken on; a lease
	// of an older session is lost.
	Session uint64
}
