package beseda

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Outbound is a message that automation (or an integration) asks to send to a
// client. It meets the gate like every built-in producer (G1).
type Outbound struct {
	SubscriberID int64  `json:"subscriber_id"`
	Source       Source `json:"source"`
	Text         string `json:"text"`
	// AttachmentIDs are files the caller uploaded (POST /api/v1/uploads).
	AttachmentIDs []int64 `json:"attachment_ids"`
	// IdempotencyKey makes a retried request return the first message and
	// send nothing twice.
	IdempotencyKey string `json:"idempotency_key"`
	// Template is the fallback sent instead of Text when the client's
	// window is closed at delivery (a platform's message template).
	Template *TemplateRef `json:"template,omitempty"`
}

// Validate checks what does not depend on the client's channel.
func (o *Outbound) Validate() error {
	if o.SubscriberID <= 0 {
		return Errorf(EINVALID, "subscriber_id is required")
	}
	switch o.Source {
	case SourceFunnel, SourceBroadcast, SourceAISupport, SourceSystem:
	case SourceManager:
		return Errorf(EINVALID, "managers write through /subscribers/{id}/messages or /dialogs/{id}/messages")
	default:
		return Errorf(EINVALID, "source must be funnel, broadcast, ai_support or system")
	}
	if strings.TrimSpace(o.Text) == "" && len(o.AttachmentIDs) == 0 {
		return Errorf(EINVALID, "text or attachment_ids is required")
	}
	o.IdempotencyKey = strings.TrimSpace(o.IdempotencyKey)
	if len(o.IdempotencyKey) > 200 {
		return Errorf(EINVALID, "idempotency_key must be at most 200 bytes")
	}
	return nil
}

// Same reports whether a stored message answers the same request, for an
// idempotency key used twice.
func (o *Outbound) Same(m *Message) bool {
	if len(m.Attachments) != len(o.AttachmentIDs) {
		return false
	}
	for i, a := range m.Attachments {
		if a.ID != o.AttachmentIDs[i] {
			return false
		}
	}
	return m.SubscriberID == o.SubscriberID && m.Source == o.Source && m.Text == strings.TrimSpace(o.Text)
}

// ReleasesHeld reports whether a dialog moving from one status to another
// ends its hold on the client's automation (G2).
func ReleasesHeld(from, to DialogStatus) bool {
	return from == DialogActive && to != DialogActive
}

// Broadcast is a mailing to many clients of a workspace. Its messages go
// through the gate one client at a time (G1).
type Broadcast struct {
	ID             int64      `json:"id"`
	Text           string     `json:"text"`
	AllSubscribers bool       `json:"all_subscribers"`
	Total          int        `json:"total"`    // recipients
	Produced       int        `json:"produced"` // recipients whose message is decided
	CreatedAt      time.Time  `json:"created_at"`
	FinishedAt     *time.Time `json:"finished_at"`
	// Counts are the broadcast's messages by status.
	Counts map[MessageStatus]int `json:"counts"`
}

// BroadcastCreate is the input for a broadcast; no subscriber ids means every
// client of the workspace.
type BroadcastCreate struct {
	Text          string   `json:"text"`
	SubscriberIDs *[]int64 `json:"subscriber_ids"`
}

// MaxBroadcastRecipients bounds an explicit recipient list.
const MaxBroadcastRecipients = 100_000

// Validate checks the input against the text limits of the workspace's
// channels.
func (c *BroadcastCreate) Validate(limits []TextLimit) error {
	text, err := CleanText(c.Text, limits...)
	if err != nil {
		return err
	}
	c.Text = text
	if c.SubscriberIDs != nil {
		ids := uniqueIDs(*c.SubscriberIDs)
		if len(ids) == 0 {
			return Errorf(EINVALID, "subscriber_ids is empty; omit it to reach every client")
		}
		if len(ids) > MaxBroadcastRecipients {
			return Errorf(EINVALID, "at most %d subscriber_ids", MaxBroadcastRecipients)
		}
		c.SubscriberIDs = &ids
	}
	return nil
}

// Funnel is a drip sequence: steps sent one after another with delays.
type Funnel struct {
	ID        int64        `json:"id"`
	Name      string       `json:"name"`
	Steps     []FunnelStep `json:"steps"`
	CreatedAt time.Time    `json:"created_at"`
}

// FunnelStep is sent DelaySeconds after the previous step (the first: after
// the client joins the funnel).
type FunnelStep struct {
	DelaySeconds int    `json:"delay_seconds"`
	Text         string `json:"text"`
}

// Delay is the step's delay as a duration.
func (s FunnelStep) Delay() time.Duration { return time.Duration(s.DelaySeconds) * time.Second }

// FunnelCreate is the input for a funnel.
type FunnelCreate struct {
	Name  string       `json:"name"`
	Steps []FunnelStep `json:"steps"`
}

// Validate checks the funnel against the text limits of the workspace's channels.
func (c *FunnelCreate) Validate(limits []TextLimit) error {
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 100 {
		return Errorf(EINVALID, "name must be 1 to 100 characters")
	}
	if len(c.Steps) == 0 || len(c.Steps) > 50 {
		return Errorf(EINVALID, "a funnel has 1 to 50 steps")
	}
	for i := range c.Steps {
		s := &c.Steps[i]
		if s.DelaySeconds < 0 || s.DelaySeconds > 365*24*3600 {
			return Errorf(EINVALID, "steps[%d].delay_seconds must be 0 to one year", i)
		}
		text, err := CleanText(s.Text, limits...)
		if err != nil {
			return Errorf(EINVALID, "steps[%d]: %s", i, err.(*Error).Message)
		}
		s.Text = text
	}
	return nil
}

// SmartAnswer is an AI-support reply: a client message containing one of the
// keywords gets the answer (source ai_support, dropped during a dialog).
type SmartAnswer struct {
	ID        int64     `json:"id"`
	Keywords  []string  `json:"keywords"`
	Answer    string    `json:"answer"`
	CreatedAt time.Time `json:"created_at"`
}

// SmartAnswerCreate is the input for a smart answer.
type SmartAnswerCreate struct {
	Keywords []string `json:"keywords"`
	Answer   string   `json:"answer"`
}

// Validate lower-cases and trims keywords; the answer must fit the limits of
// the workspace's channels.
func (c *SmartAnswerCreate) Validate(limits []TextLimit) error {
	var kws []string
	for _, k := range c.Keywords {
		k = strings.ToLower(strings.TrimSpace(k))
		if k == "" || utf8.RuneCountInString(k) > 100 {
			return Errorf(EINVALID, "keywords must be 1 to 100 characters each")
		}
		kws = append(kws, k)
	}
	if len(kws) == 0 || len(kws) > 20 {
		return Errorf(EINVALID, "a smart answer has 1 to 20 keywords")
	}
	c.Keywords = kws
	answer, err := CleanText(c.Answer, limits...)
	if err != nil {
		return err
	}
	c.Answer = answer
	return nil
}

// MatchSmartAnswer returns the first answer with a keyword contained in the
// client's text (any case), or nil.
func MatchSmartAnswer(answers []*SmartAnswer, text string) *SmartAnswer {
	text = strings.ToLower(text)
	for _, a := range answers {
		for _, k := range a.Keywords {
			if strings.Contains(text, k) {
				return a
			}
		}
	}
	return nil
}

// BroadcastBatch is one batch of a broadcast's production: the next Limit
// recipients after After, in id order, each given Text through Gate (decided
// by the client's active dialog). On the channels ShownOnStore (no sender) a
// deliverable message is sent at once, unless older ones of the client
// still wait.
type BroadcastBatch struct {
	BroadcastID    int64
	WorkspaceID    int64
	AllSubscribers bool
	Text           string
	After          int64
	Limit          int
	Gate           GateTable
	ShownOnStore   []int64
	At             time.Time
}

// BroadcastProduced is what one batch of a broadcast produced.
type BroadcastProduced struct {
	Recipients      int
	Last            int64   // the last recipient, the cursor's next value
	PendingChannels []int64 // channels with messages to deliver
}
