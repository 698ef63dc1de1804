package beseda

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// DialogStatus is the state of a dialog (S1).
type DialogStatus string

const (
	DialogActive    DialogStatus = "active"
	DialogPaused    DialogStatus = "paused"
	DialogCompleted DialogStatus = "completed"
)

func (s DialogStatus) Valid() bool {
	return s == DialogActive || s == DialogPaused || s == DialogCompleted
}

// CheckTransition decides whether a dialog may move from s to next (S1):
// active⇄paused, and active or paused → completed. A completed dialog changes
// no more.
func (s DialogStatus) CheckTransition(next DialogStatus) error {
	if s == DialogCompleted {
		return Errorf(EDIALOGCOMPLETED, "the dialog is completed and can no longer change")
	}
	if !next.Valid() {
		return Errorf(EINVALID, "status must be active, paused or completed")
	}
	switch {
	case s == DialogActive && next == DialogPaused,
		s == DialogPaused && next == DialogActive,
		next == DialogCompleted:
		return nil
	}
	return Errorf(EINVALIDTRANSITION, "a dialog cannot go from %s to %s", s, next)
}

// AllowedTransitions lists the statuses a dialog in status s may move to.
func (s DialogStatus) AllowedTransitions() []DialogStatus {
	var out []DialogStatus
	for _, next := range []DialogStatus{DialogActive, DialogPaused, DialogCompleted} {
		if s.CheckTransition(next) == nil {
			out = append(out, next)
		}
	}
	return out
}

// Dialog is a support case inside the chat with one subscriber.
type Dialog struct {
	ID           int64        `json:"id"`
	WorkspaceID  int64        `json:"-"`
	SubscriberID int64        `json:"subscriber_id"`
	Subscriber   Ref          `json:"subscriber"`
	Title        string       `json:"title"`
	Status       DialogStatus `json:"status"`
	Type         Ref          `json:"type"`
	Reasons      []Ref        `json:"reasons"`
	Components   []Ref        `json:"components"`
	Participants []Ref        `json:"participants"`
	CreatedBy    Ref          `json:"created_by"`
	CreatedAt    time.Time    `json:"created_at"`
	UpdatedAt    time.Time    `json:"updated_at"`
	CompletedAt  *time.Time   `json:"completed_at"`

	// Ratings (R1–R4): the manager's rating of the client, the client's rating
	// of the service, and whether the rating form went out.
	AccountRating  *int `json:"account_rating"`
	ClientRating   *int `json:"client_rating"`
	RatingFormSent bool `json:"rating_form_sent"`
	// RatingFormError says why a requested form could not be sent.
	RatingFormError string `json:"rating_form_error,omitempty"`
	// RatingFormMessageID is the form's message, whose delivery may still fail.
	RatingFormMessageID *int64 `json:"-"`

	// SLA is the dialog's SLA clock (T2–T5) as the API shows it; null when
	// no policy applied when it was created.
	SLA *DialogSLA `json:"sla"`
}

// HasParticipant reports whether the user takes part in the dialog.
func (d *Dialog) HasParticipant(userID int64) bool {
	return slices.ContainsFunc(d.Participants, func(r Ref) bool { return r.ID == userID })
}

// CheckWritable decides whether a manager may write inside the dialog (W1).
func (d *Dialog) CheckWritable() error {
	if d.Status != DialogActive {
		msg := "the dialog is paused; resume it to write in it"
		if d.Status == DialogCompleted {
			msg = "the dialog is completed; write in the client's general chat instead"
		}
		return &Error{Code: EDIALOGNOTACTIVE, DialogID: d.ID, Message: msg}
	}
	return nil
}

// ActiveDialogConflict is the error for a subscriber who already has an active
// dialog (C3, S2, W2 name it so that the caller can open it).
func ActiveDialogConflict(code string, active int64) *Error {
	msg := "this client already has an active dialog"
	if code == EGENERALCHATLOCKED {
		msg = "this client has an active dialog; write in it, or pause or complete it first"
	}
	return &Error{Code: code, DialogID: active, Message: msg}
}

// MaxTitleLength is the longest dialog title, in characters (C1).
const MaxTitleLength = 200

// CleanTitle trims a title and checks its length (C1).
func CleanTitle(title string) (string, error) {
	title = strings.TrimSpace(title)
	if n := utf8.RuneCountInString(title); n == 0 || n > MaxTitleLength {
		return "", Errorf(EINVALID, "title must be 1 to %d characters", MaxTitleLength)
	}
	return title, nil
}

// DialogCreate is the input for a new dialog (C1).
type DialogCreate struct {
	SubscriberID   int64   `json:"subscriber_id"`
	Title          string  `json:"title"`
	TypeID         int64   `json:"type_id"`
	ReasonIDs      []int64 `json:"reason_ids"`
	ComponentIDs   []int64 `json:"component_ids"`
	ParticipantIDs []int64 `json:"participant_ids"`
}

// Validate normalises the input (C1, C2): the title is trimmed, id lists lose
// duplicates and the creator becomes a participant.
func (c *DialogCreate) Validate(creatorID int64) error {
	if c.SubscriberID <= 0 {
		return Errorf(EINVALID, "subscriber_id is required")
	}
	title, err := CleanTitle(c.Title)
	if err != nil {
		return err
	}
	c.Title = title
	if c.TypeID <= 0 {
		return Errorf(EINVALID, "type_id is required")
	}
	c.ReasonIDs = uniqueIDs(c.ReasonIDs)
	c.ComponentIDs = uniqueIDs(c.ComponentIDs)
	c.ParticipantIDs = uniqueIDs(append([]int64{creatorID}, c.ParticipantIDs...))
	return nil
}

// DialogUpdate is a change of a dialog's settings; nil fields stay as they are.
// With Status completed it may carry the manager's rating of the client and the
// request to send the rating form (R1). A completed dialog takes only
// ReasonIDs and ComponentIDs.
type DialogUpdate struct {
	Title          *string       `json:"title"`
	TypeID         *int64        `json:"type_id"`
	ReasonIDs      *[]int64      `json:"reason_ids"`
	ComponentIDs   *[]int64      `json:"component_ids"`
	ParticipantIDs *[]int64      `json:"participant_ids"`
	Status         *DialogStatus `json:"status"`
	AccountRating  *int          `json:"account_rating"`
	SendRatingForm *bool         `json:"send_rating_form"`
}

// Validate normalises the update and checks it against the dialog as it is
// now: a completed dialog changes no more but for its reasons and
// components (what the case turned out to be about is often clear only at
// the end), a status change must be allowed (S1), ratings only come with
// completion (R1), the creator stays (C2).
func (u *DialogUpdate) Validate(d *Dialog) error {
	if d.Status == DialogCompleted && (u.Title != nil || u.TypeID != nil || u.ParticipantIDs != nil || u.Status != nil ||
		u.AccountRating != nil || u.SendRatingForm != nil) {
		return Errorf(EDIALOGCOMPLETED, "the dialog is completed: only its reasons and components can still change")
	}
	if u.Title != nil {
		title, err := CleanTitle(*u.Title)
		if err != nil {
			return err
		}
		u.Title = &title
	}
	if u.TypeID != nil && *u.TypeID <= 0 {
		return Errorf(EINVALID, "type_id must be a positive id")
	}
	if u.ReasonIDs != nil {
		ids := uniqueIDs(*u.ReasonIDs)
		u.ReasonIDs = &ids
	}
	if u.ComponentIDs != nil {
		ids := uniqueIDs(*u.ComponentIDs)
		u.ComponentIDs = &ids
	}
	if u.ParticipantIDs != nil {
		ids := uniqueIDs(*u.ParticipantIDs)
		if !slices.Contains(ids, d.CreatedBy.ID) {
			return Errorf(EINVALID, "the creator of a dialog is always a participant")
		}
		u.ParticipantIDs = &ids
	}
	completing := u.Status != nil && *u.Status == DialogCompleted
	if u.Status != nil {
		if err := d.Status.CheckTransition(*u.Status); err != nil {
			return err
		}
	}
	if u.AccountRating != nil {
		if !completing {
			return Errorf(EINVALID, "account_rating is given when completing a dialog")
		}
		if err := CheckRating(*u.AccountRating); err != nil {
			return err
		}
	}
	if u.SendRatingForm != nil && *u.SendRatingForm && !completing {
		return Errorf(EINVALID, "send_rating_form is given when completing a dialog")
	}
	return nil
}

// IsEmpty reports whether the update changes nothing.
func (u *DialogUpdate) IsEmpty() bool {
	return u.Title == nil && u.TypeID == nil && u.ReasonIDs == nil && u.ComponentIDs == nil &&
		u.ParticipantIDs == nil && u.Status == nil
}

// CheckRating checks a rating value against the rating scale (R1, R3).
func CheckRating(r int) error {
	if r < RatingBad || r > RatingExcellent {
		return Errorf(EINVALID, "a rating is 1, 2 or 3")
	}
	return nil
}

// DialogFilter selects dialogs of a workspace (L1).
type DialogFilter struct {
	WorkspaceID  int64
	Status       *DialogStatus
	SubscriberID *int64
	// ParticipantID keeps the dialogs this manager takes part in ("mine").
	ParticipantID *int64
	BeforeID      int64 // pages backwards: newest first
	Limit         int
	// ByDeadline orders by time left: the nearest due instant of a running
	// SLA clock first, then the dialogs without one, newest first.
	ByDeadline bool
}

func uniqueIDs(ids []int64) []int64 {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
