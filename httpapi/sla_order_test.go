package httpapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestT5_DeadlineOrderComesFromTheQuery: sorted by time left, the list is
// ordered by the indexed due instant in the database, not within a fetched
// page: the dialog due first is on a page of 2 though two newer ones exist;
// a paused dialog (its clock stopped) comes after those with a deadline.
func TestT5_DeadlineOrderComesFromTheQuery(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := slaWorld(t, dbURL, map[string]any{"name": "Default", "first_response_minutes": 60, "resolution_minutes": 600})
		first := w.CreateDialog(w.NewVisitor("Anna").SubscriberID, "Due first")
		w.Srv.Clock.Advance(50 * time.Minute)
		second := w.CreateDialog(w.NewVisitor("Boris").SubscriberID, "Due second")
		w.Srv.Clock.Advance(5 * time.Minute)
		third := w.CreateDialog(w.NewVisitor("Vera").SubscriberID, "Due third")
		owner, err := w.Srv.App.Users.GetUser(context.Background(), &beseda.User{ID: w.OwnerID, WorkspaceID: w.WorkspaceID, Role: beseda.RoleOwner}, w.OwnerID)
		if err != nil {
			t.Fatal(err)
		}
		list := func(limit int) []int64 {
			ds, err := w.Srv.App.Dialogs.ListDialogs(context.Background(), owner, beseda.DialogFilter{ByDeadline: true, Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			ids := []int64{}
			for _, d := range ds {
				ids = append(ids, d.ID)
			}
			return ids
		}
		if got := list(2); len(got) != 2 || got[0] != first.ID || got[1] != second.ID {
			t.Fatalf("a page of 2 by time left: %v; want [%d %d]", got, first.ID, second.ID)
		}
		w.SetStatus(second.ID, beseda.DialogPaused)
		if got := list(10); len(got) != 3 || got[0] != first.ID || got[1] != third.ID || got[2] != second.ID {
			t.Fatalf("by time left with one paused: %v; want [%d %d %d]", got, first.ID, third.ID, second.ID)
		}
	})
}
