package store_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestC3_ActiveDialogColumnFollowsTheDialogs: a client's active dialog, which
// C3, S2, G1, W1 and W2 read from the client's locked row, is kept by the
// dialogs' triggers (subscribers.active_dialog_id), not by Go. A random walk
// of opening dialogs and moving them along every transition S1 allows runs
// the triggers against the Go rules: after each step the column must name the
// one dialog whose status is active (or none), and MayOpenDialog and
// MayActivate, decided on the row, must decide as on the dialogs' statuses.
// Both databases.
func TestC3_ActiveDialogColumnFollowsTheDialogs(t *testing.T) {
	t.Parallel()
	for _, d := range testkit.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := testkit.OpenDB(t, d)
			f := newFixture(t, db)
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(3, 33))
			var dialogs []*beseda.Dialog // as Go knows them
			active := func() *int64 {
				for _, dl := range dialogs {
					if dl.Status == beseda.DialogActive {
						return &dl.ID
					}
				}
				return nil
			}
			lock := func(tx *store.Tx) *beseda.Subscriber {
				subs, err := tx.LockSubscribers(ctx, []int64{f.sub.ID})
				if err != nil {
					t.Fatal(err)
				}
				return subs[f.sub.ID]
			}
			for step := range 120 {
				err := db.Update(ctx, func(tx *store.Tx) error {
					sub := lock(tx)
					var open []*beseda.Dialog
					for _, dl := range dialogs {
						if dl.Status != beseda.DialogCompleted {
							open = append(open, dl)
						}
					}
					if len(open) == 0 || rng.IntN(4) == 0 {
						mayOpen := sub.MayOpenDialog() == nil
						if want := active() == nil; mayOpen != want {
							t.Fatalf("step %d: MayOpenDialog on the row says %v, on the dialogs %v", step, mayOpen, want)
						}
						dl := f.dialog(beseda.DialogPaused)
						if mayOpen {
							dl.Status = beseda.DialogActive
						}
						if err := tx.CreateDialog(ctx, dl); err != nil {
							return err
						}
						dialogs = append(dialogs, dl)
						return nil
					}
					dl := open[rng.IntN(len(open))]
					nexts := dl.Status.AllowedTransitions()
					next := nexts[rng.IntN(len(nexts))]
					if next == beseda.DialogActive {
						may := sub.MayActivate(dl.ID) == nil
						want := active() == nil || *active() == dl.ID
						if may != want {
							t.Fatalf("step %d: MayActivate(%d) on the row says %v, on the dialogs %v", step, dl.ID, may, want)
						}
						if !may {
							return nil
						}
					}
					dl.Status = next
					return tx.SaveDialog(ctx, dl)
				})
				if err != nil {
					t.Fatalf("step %d: %v", step, err)
				}
				err = db.Update(ctx, func(tx *store.Tx) error {
					got, want := lock(tx).ActiveDialogID, active()
					if (got == nil) != (want == nil) || (got != nil && *got != *want) {
						t.Fatalf("step %d: the row's active dialog is %v, the dialogs' %v", step, deref(got), deref(want))
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func deref(id *int64) any {
	if id == nil {
		return "none"
	}
	return *id
}
