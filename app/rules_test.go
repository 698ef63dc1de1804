package app

import (
	"context"
	"errors"
	"testing"

	"github.com/beseda/beseda"
)

// The use cases decide the rules on what they locked or read in their
// transaction; these tests drive that step through fakes of the store, with
// no database. The whole use cases are tested through the API (httpapi).

// fakeLocker is the store's LockSubscriber over a few subscribers.
type fakeLocker struct {
	subs  map[int64]*beseda.Subscriber
	locks []int64 // subscribers locked, in order
	err   error
}

func (f *fakeLocker) LockSubscriber(_ context.Context, workspaceID, id int64) (*beseda.Subscriber, error) {
	f.locks = append(f.locks, id)
	if f.err != nil {
		return nil, f.err
	}
	s, ok := f.subs[id]
	if !ok || s.WorkspaceID != workspaceID {
		return nil, beseda.NotFound("subscriber")
	}
	return s, nil
}

func ptr(id int64) *int64 { return &id }

// checkLockStep drives a use case's locking step for subscriber 1 of
// workspace 10: refused with code, naming the dialog, while the locked row
// names an active one; the locked client otherwise (a paused or completed
// dialog is not the row's active one, W3); a failed lock is the lock's error.
func checkLockStep(t *testing.T, step func(context.Context, subscriberLocker, int64, int64) (*beseda.Subscriber, error), code string) {
	t.Helper()
	for _, active := range []*int64{ptr(7), nil} {
		f := &fakeLocker{subs: map[int64]*beseda.Subscriber{1: {ID: 1, WorkspaceID: 10, ActiveDialogID: active}}}
		sub, err := step(t.Context(), f, 10, 1)
		if len(f.locks) != 1 || f.locks[0] != 1 {
			t.Errorf("locked %v, want subscriber 1 once", f.locks)
		}
		if active == nil {
			if err != nil || sub == nil || sub.ID != 1 {
				t.Errorf("no active dialog: %+v, %v; want the locked client", sub, err)
			}
			continue
		}
		var e *beseda.Error
		if !errors.As(err, &e) || e.Code != code || e.DialogID != 7 || sub != nil {
			t.Errorf("dialog 7 active: %+v, %v; want %s naming dialog 7", sub, err, code)
		}
	}
	f := &fakeLocker{err: errors.New("connection lost")}
	if _, err := step(t.Context(), f, 10, 1); err != f.err {
		t.Errorf("a failed lock: %v, want %v", err, f.err)
	}
	if _, err := step(t.Context(), &fakeLocker{}, 10, 1); beseda.ErrorCode(err) != beseda.ENOTFOUND {
		t.Errorf("a client of no workspace of the actor: %v, want not found", err)
	}
}

func TestC3_CreateDialogDecidesOnTheLockedRow(t *testing.T) {
	checkLockStep(t, lockToOpenDialog, beseda.EACTIVEDIALOG)
}

func TestW2_GeneralChatPostDecidesOnTheLockedRow(t *testing.T) {
	checkLockStep(t, lockGeneralChat, beseda.EGENERALCHATLOCKED)
}

// fakeDialogs is the store's FindDialogByID over a few dialogs, which it
// keeps as the store would: a rating set on one is seen by the next read.
type fakeDialogs struct {
	dialogs map[int64]*beseda.Dialog
	err     error
}

func (f *fakeDialogs) FindDialogByID(_ context.Context, workspaceID, id int64) (*beseda.Dialog, error) {
	if f.err != nil {
		return nil, f.err
	}
	d, ok := f.dialogs[id]
	if !ok || d.WorkspaceID != workspaceID {
		return nil, beseda.NotFound("dialog")
	}
	return d, nil
}

var ratingSecret = []byte("installation secret")

func TestR3_FirstClickCountsLaterOnesChangeNothing(t *testing.T) {
	store := &fakeDialogs{dialogs: map[int64]*beseda.Dialog{4: {ID: 4, WorkspaceID: 10, SubscriberID: 2, Status: beseda.DialogCompleted}}}
	client := &beseda.Subscriber{ID: 2, WorkspaceID: 10}

	d, value, late, err := acceptRatingClick(t.Context(), store, ratingSecret, client,
		beseda.RatingPayload(ratingSecret, 4, 2, beseda.RatingExcellent))
	if err != nil || late || d == nil || d.ID != 4 || value != beseda.RatingExcellent ||
		d.ClientRating == nil || *d.ClientRating != beseda.RatingExcellent {
		t.Fatalf("first click: dialog %+v value %d late %v err %v; want dialog 4 rated 3", d, value, late, err)
	}
	for _, v := range beseda.RatingScale {
		d, _, late, err := acceptRatingClick(t.Context(), store, ratingSecret, client, beseda.RatingPayload(ratingSecret, 4, 2, v))
		if err != nil || !late || d != nil {
			t.Errorf("click %d after the first: dialog %+v late %v err %v; want late and nothing to store", v, d, late, err)
		}
	}
	if r := *store.dialogs[4].ClientRating; r != beseda.RatingExcellent {
		t.Errorf("later clicks changed the rating to %d", r)
	}
}

func TestR3_ClickIsRefusedUnlessSignedForTheClientsOwnDialog(t *testing.T) {
	store := &fakeDialogs{dialogs: map[int64]*beseda.Dialog{
		4: {ID: 4, WorkspaceID: 10, SubscriberID: 2},
		5: {ID: 5, WorkspaceID: 10, SubscriberID: 9},
	}}
	for _, tc := range []struct {
		name    string
		client  int64
		payload string
	}{
		{"forged with another secret", 2, beseda.RatingPayload([]byte("guess"), 4, 2, 3)},
		{"signed for another client", 3, beseda.RatingPayload(ratingSecret, 4, 2, 3)},
		{"a dialog that is gone", 2, beseda.RatingPayload(ratingSecret, 99, 2, 3)},
		{"another client's dialog", 2, beseda.RatingPayload(ratingSecret, 5, 2, 3)},
		{"not a rating button", 2, "menu.1"},
	} {
		d, _, late, err := acceptRatingClick(t.Context(), store, ratingSecret, &beseda.Subscriber{ID: tc.client, WorkspaceID: 10}, tc.payload)
		if beseda.ErrorCode(err) != beseda.EINVALID || late || d != nil {
			t.Errorf("%s: dialog %+v late %v err %v; want refused", tc.name, d, late, err)
		}
	}
	for id, d := range store.dialogs {
		if d.ClientRating != nil {
			t.Errorf("dialog %d got rated %d by a refused click", id, *d.ClientRating)
		}
	}
}

// TestR3_ClickMeetingAFailedReadIsNotRefused: the store failing is not the
// click's fault; the error goes back (and the messenger retries) instead of
// "not valid", which would lose the rating.
func TestR3_ClickMeetingAFailedReadIsNotRefused(t *testing.T) {
	cause := errors.New("connection reset")
	d, _, late, err := acceptRatingClick(t.Context(), &fakeDialogs{err: cause}, ratingSecret, &beseda.Subscriber{ID: 2, WorkspaceID: 10},
		beseda.RatingPayload(ratingSecret, 4, 2, 1))
	if !errors.Is(err, cause) || beseda.ErrorCode(err) == beseda.EINVALID || late || d != nil {
		t.Errorf("dialog %+v late %v err %v; want the read's error", d, late, err)
	}
}
