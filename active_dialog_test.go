package beseda_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/beseda/beseda"
)

// conflict returns the dialog an error names and its code.
func conflict(t *testing.T, err error) (code string, dialogID int64) {
	t.Helper()
	var e *beseda.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a *beseda.Error", err)
	}
	return e.Code, e.DialogID
}

func TestC3_OneActiveDialog(t *testing.T) {
	if err := (&beseda.Subscriber{ID: 1}).MayOpenDialog(); err != nil {
		t.Fatalf("no active dialog: %v, want a dialog may be opened", err)
	}
	active := int64(7)
	code, id := conflict(t, (&beseda.Subscriber{ID: 1, ActiveDialogID: &active}).MayOpenDialog())
	if code != beseda.EACTIVEDIALOG || id != active {
		t.Errorf("with dialog 7 active: %s naming %d, want %s naming 7", code, id, beseda.EACTIVEDIALOG)
	}
}

func TestS2_ReactivateOnlyWithoutAnotherActive(t *testing.T) {
	if err := (&beseda.Subscriber{}).MayActivate(3); err != nil {
		t.Errorf("none active: %v", err)
	}
	self := int64(3)
	if err := (&beseda.Subscriber{ActiveDialogID: &self}).MayActivate(3); err != nil {
		t.Errorf("the dialog itself active: %v", err)
	}
	other := int64(9)
	code, id := conflict(t, (&beseda.Subscriber{ActiveDialogID: &other}).MayActivate(3))
	if code != beseda.EACTIVEDIALOG || id != other {
		t.Errorf("another active: %s naming %d, want %s naming 9", code, id, beseda.EACTIVEDIALOG)
	}
}

// TestW2_ActiveDialogLocksGeneralChat also proves W3: the subscriber's
// row names only an active dialog, so after a pause or completion the
// general chat is open again.
func TestW2_ActiveDialogLocksGeneralChat(t *testing.T) {
	active := int64(5)
	sub := &beseda.Subscriber{ID: 1, ActiveDialogID: &active}
	code, id := conflict(t, sub.MayWriteGeneralChat())
	if code != beseda.EGENERALCHATLOCKED || id != active {
		t.Errorf("while dialog 5 is active: %s naming %d, want %s naming 5", code, id, beseda.EGENERALCHATLOCKED)
	}
	sub.ActiveDialogID = nil // paused or completed (W3)
	if err := sub.MayWriteGeneralChat(); err != nil {
		t.Errorf("no active dialog: %v, want the general chat open", err)
	}
}

func TestR3_FirstClickWins(t *testing.T) {
	d := &beseda.Dialog{ID: 4, SubscriberID: 2, Status: beseda.DialogCompleted}
	if late, err := d.RateByClient(2, beseda.RatingNormal); late || err != nil {
		t.Fatalf("first click: late %v, %v", late, err)
	}
	if d.ClientRating == nil || *d.ClientRating != beseda.RatingNormal {
		t.Fatalf("after the first click the rating is %v, want 2", d.ClientRating)
	}
	for _, v := range beseda.RatingScale {
		if late, err := d.RateByClient(2, v); !late || err != nil {
			t.Errorf("click %d after the first: late %v, %v; want late", v, late, err)
		}
	}
	if *d.ClientRating != beseda.RatingNormal {
		t.Errorf("later clicks changed the rating to %d", *d.ClientRating)
	}
}

func TestR3_ClickOfAnotherClientOrOffTheScaleIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name       string
		subscriber int64
		value      int
	}{
		{"another client", 3, beseda.RatingExcellent},
		{"below the scale", 2, 0},
		{"above the scale", 2, 4},
	} {
		d := &beseda.Dialog{ID: 4, SubscriberID: 2}
		late, err := d.RateByClient(tc.subscriber, tc.value)
		if late || beseda.ErrorCode(err) != beseda.EINVALID || d.ClientRating != nil {
			t.Errorf("%s: late %v, %v, rating %v; want invalid and no rating", tc.name, late, err, d.ClientRating)
		}
	}
}

func TestR1_RatingScaleIsOneToThree(t *testing.T) {
	if beseda.RatingScale != [...]int{1, 2, 3} {
		t.Errorf("scale %v, want 1, 2, 3", beseda.RatingScale)
	}
	for v := -1; v <= 5; v++ {
		want := v >= 1 && v <= 3
		if got := beseda.CheckRating(v) == nil; got != want {
			t.Errorf("CheckRating(%d) accepts: %v, want %v", v, got, want)
		}
	}
}

// TestR2_FormButtonsAreTheScale: the form's three buttons carry the scale's
// values, worst first, each signed for its dialog and client.
func TestR2_FormButtonsAreTheScale(t *testing.T) {
	secret := []byte("secret")
	_, buttons := beseda.DefaultStandardMessages(beseda.LocaleEN).RatingForm(secret, 8, 2)
	if len(buttons) != len(beseda.RatingScale) {
		t.Fatalf("%d buttons, want %d", len(buttons), len(beseda.RatingScale))
	}
	for i, b := range buttons {
		dialogID, value, ok := beseda.ParseRatingPayload(secret, b.Payload, 2)
		if !ok || dialogID != 8 || value != beseda.RatingScale[i] {
			t.Errorf("button %d (%s): dialog %d value %d ok %v, want dialog 8 value %d", i, b.Title, dialogID, value, ok, beseda.RatingScale[i])
		}
	}
}

// TestR2_CountsFromSums: the report's one-pass sums give back how many
// ratings of each value there were, for any mix on the scale.
func TestR2_CountsFromSums(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		want := map[int]int{}
		var n, s, q int64
		for range r.IntN(50) {
			v := beseda.RatingScale[r.IntN(len(beseda.RatingScale))]
			want[v]++
			n, s, q = n+1, s+int64(v), q+int64(v*v)
		}
		got := beseda.RatingCounts(n, s, q)
		for _, v := range beseda.RatingScale {
			if got[v] != want[v] {
				t.Fatalf("counts %v, want %v", got, want)
			}
		}
	}
}
