package beseda_test

import (
	"strings"
	"testing"

	"github.com/beseda/beseda"
)

func TestS1_TransitionTable(t *testing.T) {
	statuses := []beseda.DialogStatus{beseda.DialogActive, beseda.DialogPaused, beseda.DialogCompleted}
	allowed := map[[2]beseda.DialogStatus]bool{
		{beseda.DialogActive, beseda.DialogPaused}:    true,
		{beseda.DialogPaused, beseda.DialogActive}:    true,
		{beseda.DialogActive, beseda.DialogCompleted}: true,
		{beseda.DialogPaused, beseda.DialogCompleted}: true,
	}
	for _, from := range statuses {
		for _, to := range statuses {
			err := from.CheckTransition(to)
			switch {
			case allowed[[2]beseda.DialogStatus{from, to}]:
				if err != nil {
					t.Errorf("%s→%s: %v, want allowed", from, to, err)
				}
			case from == beseda.DialogCompleted:
				if beseda.ErrorCode(err) != beseda.EDIALOGCOMPLETED {
					t.Errorf("%s→%s: %v, want dialog_completed", from, to, err)
				}
			default:
				if beseda.ErrorCode(err) != beseda.EINVALIDTRANSITION {
					t.Errorf("%s→%s: %v, want invalid_transition", from, to, err)
				}
			}
		}
	}
	if got := beseda.DialogPaused.AllowedTransitions(); len(got) != 2 {
		t.Errorf("paused may go to %v, want active and completed", got)
	}
	if err := beseda.DialogActive.CheckTransition("archived"); beseda.ErrorCode(err) != beseda.EINVALID {
		t.Errorf("unknown status: %v, want invalid_input", err)
	}
}

func TestC1_TitleIsTrimmedAndBounded(t *testing.T) {
	for _, tc := range []struct {
		title string
		ok    bool
	}{
		{"Lead form broken", true},
		{"   padded   ", true},
		{"", false},
		{"   ", false},
		{strings.Repeat("я", 200), true},
		{strings.Repeat("я", 201), false},
	} {
		c := beseda.DialogCreate{SubscriberID: 1, Title: tc.title, TypeID: 1}
		err := c.Validate(7)
		if (err == nil) != tc.ok {
			t.Errorf("title %q: err %v, want ok=%v", tc.title, err, tc.ok)
		}
		if err == nil && c.Title != strings.TrimSpace(tc.title) {
			t.Errorf("title %q stored as %q", tc.title, c.Title)
		}
	}
}

func TestC2_CreatorIsAlwaysAParticipant(t *testing.T) {
	c := beseda.DialogCreate{SubscriberID: 1, Title: "t", TypeID: 1, ParticipantIDs: []int64{5, 7, 5}}
	if err := c.Validate(7); err != nil {
		t.Fatal(err)
	}
	if got := c.ParticipantIDs; len(got) != 2 || got[0] != 7 || got[1] != 5 {
		t.Errorf("participants %v, want the creator 7 first, then 5 once", got)
	}
	d := &beseda.Dialog{Status: beseda.DialogActive, CreatedBy: beseda.Ref{ID: 7}}
	without := []int64{5}
	upd := beseda.DialogUpdate{ParticipantIDs: &without}
	if err := upd.Validate(d); beseda.ErrorCode(err) != beseda.EINVALID {
		t.Errorf("removing the creator: %v, want invalid_input", err)
	}
}

func TestS1_CompletedDialogRefusesAnyChange(t *testing.T) {
	d := &beseda.Dialog{Status: beseda.DialogCompleted}
	title := "new"
	upd := beseda.DialogUpdate{Title: &title}
	if err := upd.Validate(d); beseda.ErrorCode(err) != beseda.EDIALOGCOMPLETED {
		t.Errorf("rename completed: %v, want dialog_completed", err)
	}
}

func TestR1_RatingComesOnlyWithCompletion(t *testing.T) {
	d := &beseda.Dialog{Status: beseda.DialogActive}
	paused, completed := beseda.DialogPaused, beseda.DialogCompleted
	for _, tc := range []struct {
		name   string
		status *beseda.DialogStatus
		rating int
		code   string
	}{
		{"rating while pausing", &paused, 2, beseda.EINVALID},
		{"rating without status", nil, 2, beseda.EINVALID},
		{"rating 0", &completed, 0, beseda.EINVALID},
		{"rating 4", &completed, 4, beseda.EINVALID},
		{"rating 3 when completing", &completed, 3, ""},
	} {
		r := tc.rating
		upd := beseda.DialogUpdate{Status: tc.status, AccountRating: &r}
		if got := beseda.ErrorCode(upd.Validate(d)); got != tc.code {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.code)
		}
	}
}

func TestW1_OnlyActiveDialogIsWritable(t *testing.T) {
	for _, s := range []beseda.DialogStatus{beseda.DialogPaused, beseda.DialogCompleted} {
		d := &beseda.Dialog{ID: 3, Status: s}
		if err := d.CheckWritable(); beseda.ErrorCode(err) != beseda.EDIALOGNOTACTIVE {
			t.Errorf("%s: %v, want dialog_not_active", s, err)
		}
	}
	if err := (&beseda.Dialog{Status: beseda.DialogActive}).CheckWritable(); err != nil {
		t.Errorf("active: %v", err)
	}
}
