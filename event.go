package beseda

import "time"

// DialogEventKind names a change of a dialog in its history (L3).
type DialogEventKind string

const (
	EventCreated            DialogEventKind = "created"
	EventTitleChanged       DialogEventKind = "title_changed"
	EventTypeChanged        DialogEventKind = "type_changed"
	EventReasonsChanged     DialogEventKind = "reasons_changed"
	EventComponentsChanged  DialogEventKind = "components_changed"
	EventParticipantAdded   DialogEventKind = "participant_added"
	EventParticipantRemoved DialogEventKind = "participant_removed"
	EventStatusChanged      DialogEventKind = "status_changed"
	EventAccountRated       DialogEventKind = "account_rated"
	EventRatingFormSent     DialogEventKind = "rating_form_sent"
	EventRatingFormFailed   DialogEventKind = "rating_form_failed"
	EventClientRated        DialogEventKind = "client_rated"
)

// DialogEvent is one entry of a dialog's history (L3): who changed what, when.
// Actor is nil for changes made by the client or the system.
type DialogEvent struct {
	ID        int64           `json:"id"`
	DialogID  int64           `json:"dialog_id"`
	Kind      DialogEventKind `json:"kind"`
	Actor     *Ref            `json:"actor"`
	Data      EventData       `json:"data"`
	CreatedAt time.Time       `json:"created_at"`
}

// EventData is what changed. Only the fields that matter for the kind are set.
type EventData struct {
	From    string `json:"from,omitempty"`
	To      string `json:"to,omitempty"`
	Added   []Ref  `json:"added,omitempty"`
	Removed []Ref  `json:"removed,omitempty"`
	User    *Ref   `json:"user,omitempty"`
	Rating  int    `json:"rating,omitempty"`
	Reason  string `json:"reason,omitempty"`
}
