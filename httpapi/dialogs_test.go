package httpapi_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// setup starts a server on a fresh database and creates a workspace in it.
func setup(t *testing.T, dbURL string) *testkit.World {
	srv := testkit.StartServer(t, dbURL, testkit.Options{})
	return testkit.NewWorld(t, srv, beseda.LocaleEN)
}

func TestC1_CreateDialog(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		var reason, component beseda.CatalogItem
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Feature limitation"}, 201, &reason)
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-components", map[string]string{"name": "Funnels"}, 201, &component)

		var d beseda.Dialog
		w.Owner.MustDo("POST", "/api/v1/dialogs", map[string]any{
			"subscriber_id": v.SubscriberID, "title": "  Lead form broken  ", "type_id": w.Types[1].ID,
			"reason_ids": []int64{reason.ID}, "component_ids": []int64{component.ID},
			"participant_ids": []int64{w.ManagerID},
		}, http.StatusCreated, &d)
		if d.Title != "Lead form broken" || d.Status != beseda.DialogActive || d.SubscriberID != v.SubscriberID {
			t.Errorf("created %+v", d)
		}
		if d.Type.ID != w.Types[1].ID || d.Type.Name != "Refund" {
			t.Errorf("type %+v", d.Type)
		}
		if len(d.Reasons) != 1 || d.Reasons[0].Name != "Feature limitation" || len(d.Components) != 1 || d.Components[0].Name != "Funnels" {
			t.Errorf("reasons %+v components %+v", d.Reasons, d.Components)
		}
		if len(d.Participants) != 2 || d.Participants[0].ID != w.OwnerID || d.Participants[1].ID != w.ManagerID {
			t.Errorf("participants %+v: want the creator (C2) and the manager", d.Participants)
		}
		if d.CompletedAt != nil || d.AccountRating != nil || d.ClientRating != nil || d.RatingFormSent {
			t.Errorf("a new dialog carries completion data: %+v", d)
		}
		var got beseda.Dialog
		w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, 200, &got)
		if got.Title != d.Title || len(got.Participants) != 2 {
			t.Errorf("read back %+v", got)
		}
	})
}

func TestC1_CreateDialogRejectsBadInput(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		other := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		v := w.NewVisitor("Anna")
		var foreignReason beseda.CatalogItem
		other.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Theirs"}, 201, &foreignReason)
		typeID := w.Types[0].ID
		for _, tc := range []struct {
			name   string
			body   map[string]any
			status int
			code   string
		}{
			{"no title", map[string]any{"subscriber_id": v.SubscriberID, "type_id": typeID}, 400, beseda.EINVALID},
			{"blank title", map[string]any{"subscriber_id": v.SubscriberID, "title": "   ", "type_id": typeID}, 400, beseda.EINVALID},
			{"long title", map[string]any{"subscriber_id": v.SubscriberID, "title": strings.Repeat("x", 201), "type_id": typeID}, 400, beseda.EINVALID},
			{"no type", map[string]any{"subscriber_id": v.SubscriberID, "title": "t"}, 400, beseda.EINVALID},
			{"unknown type", map[string]any{"subscriber_id": v.SubscriberID, "title": "t", "type_id": 999999}, 404, beseda.ENOTFOUND},
			{"foreign type", map[string]any{"subscriber_id": v.SubscriberID, "title": "t", "type_id": other.Types[0].ID}, 404, beseda.ENOTFOUND},
			{"foreign reason", map[string]any{"subscriber_id": v.SubscriberID, "title": "t", "type_id": typeID,
				"reason_ids": []int64{foreignReason.ID}}, 404, beseda.ENOTFOUND},
			{"foreign participant", map[string]any{"subscriber_id": v.SubscriberID, "title": "t", "type_id": typeID,
				"participant_ids": []int64{other.OwnerID}}, 404, beseda.ENOTFOUND},
			{"unknown subscriber", map[string]any{"subscriber_id": 999999, "title": "t", "type_id": typeID}, 404, beseda.ENOTFOUND},
			{"title of wrong type", map[string]any{"subscriber_id": v.SubscriberID, "title": 5, "type_id": typeID}, 400, beseda.EINVALID},
			{"unknown field", map[string]any{"subscriber_id": v.SubscriberID, "title": "t", "type_id": typeID, "priority": 1}, 400, beseda.EINVALID},
		} {
			t.Run(tc.name, func(t *testing.T) {
				w.Owner.WantError("POST", "/api/v1/dialogs", tc.body, tc.status, tc.code)
			})
		}
		var list []beseda.Dialog
		w.Owner.MustDo("GET", "/api/v1/dialogs", nil, 200, &list)
		if len(list) != 0 {
			t.Errorf("rejected creates stored %d dialogs", len(list))
		}
	})
}

func TestC3_SecondActiveDialogIsRefused(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		first := w.CreateDialog(v.SubscriberID, "First")
		res := w.Owner.WantError("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": v.SubscriberID,
			"title": "Second", "type_id": w.Types[0].ID}, 409, beseda.EACTIVEDIALOG)
		var body struct {
			Error struct {
				DialogID int64 `json:"dialog_id"`
			}
		}
		res.Decode(t, &body)
		if body.Error.DialogID != first.ID {
			t.Errorf("the error names dialog %d, want the active one %d", body.Error.DialogID, first.ID)
		}
		// Another client is not affected.
		other := w.NewVisitor("Boris")
		w.CreateDialog(other.SubscriberID, "Other client")
	})
}

func TestC3_ConcurrentCreatesYieldOneDialog(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		const n = 16
		statuses := make([]int, n)
		codes := make([]string, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				res := w.Owner.Do("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": v.SubscriberID,
					"title": "Race", "type_id": w.Types[0].ID})
				statuses[i], codes[i] = res.Status, res.ErrorCode()
			}()
		}
		close(start)
		wg.Wait()
		created, conflicts := 0, 0
		for i := range n {
			switch {
			case statuses[i] == 201:
				created++
			case statuses[i] == 409 && codes[i] == beseda.EACTIVEDIALOG:
				conflicts++
			default:
				t.Errorf("request %d: %d %s", i, statuses[i], codes[i])
			}
		}
		if created != 1 || conflicts != n-1 {
			t.Errorf("%d created and %d conflicts, want 1 and %d", created, conflicts, n-1)
		}
		var list []beseda.Dialog
		w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs?subscriber_id=%d", v.SubscriberID), nil, 200, &list)
		if len(list) != 1 {
			t.Errorf("%d dialogs stored, want 1", len(list))
		}
	})
}

func TestS1_StatusTransitionsThroughAPI(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Case")
		path := testkit.Path("/api/v1/dialogs/%d", d.ID)

		w.Owner.WantError("PATCH", path, map[string]any{"status": "active"}, 409, beseda.EINVALIDTRANSITION)
		w.Owner.WantError("PATCH", path, map[string]any{"status": "archived"}, 400, beseda.EINVALID)
		if got := w.SetStatus(d.ID, beseda.DialogPaused); got.Status != beseda.DialogPaused {
			t.Fatalf("pause: %s", got.Status)
		}
		w.Owner.WantError("PATCH", path, map[string]any{"status": "paused"}, 409, beseda.EINVALIDTRANSITION)
		w.SetStatus(d.ID, beseda.DialogActive)
		done := w.SetStatus(d.ID, beseda.DialogCompleted)
		if done.CompletedAt == nil {
			t.Errorf("completed without completed_at")
		}
		for _, body := range []map[string]any{{"status": "active"}, {"status": "paused"}, {"title": "Renamed"},
			{"participant_ids": []int64{w.OwnerID, w.ManagerID}}} {
			w.Owner.WantError("PATCH", path, body, 409, beseda.EDIALOGCOMPLETED)
		}
		var after beseda.Dialog
		w.Owner.MustDo("GET", path, nil, 200, &after)
		if after.Title != "Case" || after.Status != beseda.DialogCompleted || len(after.Participants) != 1 {
			t.Errorf("a refused change altered the dialog: %+v", after)
		}

		// paused → completed is allowed too.
		v2 := w.NewVisitor("Boris")
		d2 := w.CreateDialog(v2.SubscriberID, "Case 2")
		w.SetStatus(d2.ID, beseda.DialogPaused)
		w.SetStatus(d2.ID, beseda.DialogCompleted)
	})
}

func TestS2_ReactivateWhileAnotherActive(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		first := w.CreateDialog(v.SubscriberID, "First")
		w.SetStatus(first.ID, beseda.DialogPaused)
		second := w.CreateDialog(v.SubscriberID, "Second")
		res := w.Owner.WantError("PATCH", testkit.Path("/api/v1/dialogs/%d", first.ID), map[string]any{"status": "active"},
			409, beseda.EACTIVEDIALOG)
		if !strings.Contains(string(res.Body), testkit.Path(`"dialog_id":%d`, second.ID)) {
			t.Errorf("the error does not name the active dialog %d: %s", second.ID, res.Body)
		}
		w.SetStatus(second.ID, beseda.DialogCompleted)
		if got := w.SetStatus(first.ID, beseda.DialogActive); got.Status != beseda.DialogActive {
			t.Errorf("reactivate after the other completed: %s", got.Status)
		}
	})
}

func TestL1_DialogLists(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		anna, boris := w.NewVisitor("Anna"), w.NewVisitor("Boris")
		a1 := w.CreateDialog(anna.SubscriberID, "Anna 1")
		w.SetStatus(a1.ID, beseda.DialogCompleted)
		a2 := w.CreateDialog(anna.SubscriberID, "Anna 2")
		w.SetStatus(a2.ID, beseda.DialogPaused)
		a3 := w.CreateDialog(anna.SubscriberID, "Anna 3", w.ManagerID)
		b1 := w.CreateDialog(boris.SubscriberID, "Boris 1")

		ids := func(path string, c *testkit.Client) []int64 {
			var list []beseda.Dialog
			c.MustDo("GET", path, nil, 200, &list)
			out := []int64{}
			for _, d := range list {
				out = append(out, d.ID)
			}
			return out
		}
		eq := func(name string, got []int64, want ...int64) {
			t.Helper()
			if len(got) != len(want) {
				t.Errorf("%s: %v, want %v", name, got, want)
				return
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("%s: %v, want %v", name, got, want)
					return
				}
			}
		}
		eq("per subscriber, all statuses, newest first",
			ids(testkit.Path("/api/v1/dialogs?subscriber_id=%d", anna.SubscriberID), w.Owner), a3.ID, a2.ID, a1.ID)
		eq("active tab", ids("/api/v1/dialogs?status=active", w.Owner), b1.ID, a3.ID)
		eq("active tab, mine (manager)", ids("/api/v1/dialogs?status=active&mine=true", w.Manager), a3.ID)
		eq("active tab, mine (owner)", ids("/api/v1/dialogs?status=active&mine=true", w.Owner), b1.ID, a3.ID)
		eq("completed", ids("/api/v1/dialogs?status=completed", w.Owner), a1.ID)
		eq("paging", ids(testkit.Path("/api/v1/dialogs?limit=2&before=%d", b1.ID), w.Owner), a3.ID, a2.ID)
		w.Owner.WantError("GET", "/api/v1/dialogs?status=open", nil, 400, beseda.EINVALID)
		w.Owner.WantError("GET", "/api/v1/dialogs?mine=perhaps", nil, 400, beseda.EINVALID)
		w.Owner.WantError("GET", "/api/v1/dialogs?subscriber_id=x", nil, 400, beseda.EINVALID)
	})
}

func TestL3_HistoryRecordsEveryChange(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		var reason beseda.CatalogItem
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Billing"}, 201, &reason)
		d := w.CreateDialog(v.SubscriberID, "Case")
		path := testkit.Path("/api/v1/dialogs/%d", d.ID)
		w.Manager.MustDo("PATCH", path, map[string]any{"title": "Case, renamed", "type_id": w.Types[1].ID,
			"reason_ids": []int64{reason.ID}, "participant_ids": []int64{w.OwnerID, w.ManagerID}}, 200, nil)
		w.Owner.MustDo("PATCH", path, map[string]any{"participant_ids": []int64{w.OwnerID}}, 200, nil)
		w.SetStatus(d.ID, beseda.DialogPaused)
		w.Owner.MustDo("PATCH", path, map[string]any{"status": "completed", "account_rating": 2}, 200, nil)

		var events []beseda.DialogEvent
		w.Owner.MustDo("GET", path+"/events", nil, 200, &events)
		var kinds []string
		for _, e := range events {
			kinds = append(kinds, string(e.Kind))
			if e.Actor == nil || e.CreatedAt.IsZero() {
				t.Errorf("event %s lacks who or when: %+v", e.Kind, e)
			}
		}
		want := "created title_changed type_changed reasons_changed participant_added participant_removed " +
			"status_changed status_changed account_rated"
		if strings.Join(kinds, " ") != want {
			t.Errorf("history\n got %s\nwant %s", strings.Join(kinds, " "), want)
		}
		byKind := map[beseda.DialogEventKind]beseda.DialogEvent{}
		for _, e := range events {
			byKind[e.Kind] = e
		}
		if e := byKind[beseda.EventTitleChanged]; e.Data.From != "Case" || e.Data.To != "Case, renamed" || e.Actor.ID != w.ManagerID {
			t.Errorf("title change: %+v by %+v", e.Data, e.Actor)
		}
		if e := byKind[beseda.EventTypeChanged]; e.Data.From != "Support" || e.Data.To != "Refund" {
			t.Errorf("type change: %+v", e.Data)
		}
		if e := byKind[beseda.EventReasonsChanged]; len(e.Data.Added) != 1 || e.Data.Added[0].Name != "Billing" {
			t.Errorf("reasons change: %+v", e.Data)
		}
		if e := byKind[beseda.EventAccountRated]; e.Data.Rating != 2 {
			t.Errorf("rating: %+v", e.Data)
		}
		// A change that changes nothing is not history.
		v2 := w.NewVisitor("Boris")
		d2 := w.CreateDialog(v2.SubscriberID, "Same")
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d2.ID), map[string]any{"title": "Same"}, 200, nil)
		w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d/events", d2.ID), nil, 200, &events)
		if len(events) != 1 {
			t.Errorf("a no-op update recorded %d events", len(events)-1)
		}
	})
}

// TestS1_CompletedDialogKeepsOnlyReasonsAndComponentsEditable: completing
// can settle the reasons and components in the same change; afterwards
// they — and only they — still change (what a case was about is often clear
// only at its end), each change in the history (L3); anything else is
// refused with dialog_completed and changes nothing.
func TestS1_CompletedDialogKeepsOnlyReasonsAndComponentsEditable(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		var billing, bug, payments, widget beseda.CatalogItem
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Billing"}, 201, &billing)
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Bug"}, 201, &bug)
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-components", map[string]string{"name": "Payments"}, 201, &payments)
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-components", map[string]string{"name": "Widget"}, 201, &widget)
		var d beseda.Dialog
		w.Owner.MustDo("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": v.SubscriberID, "title": "Case",
			"type_id": w.Types[0].ID, "reason_ids": []int64{billing.ID}}, 201, &d)
		path := testkit.Path("/api/v1/dialogs/%d", d.ID)
		w.Owner.MustDo("PATCH", path, map[string]any{"status": "completed", "account_rating": 3,
			"reason_ids": []int64{bug.ID}, "component_ids": []int64{payments.ID}}, 200, &d)
		if d.Status != beseda.DialogCompleted || len(d.Reasons) != 1 || d.Reasons[0].ID != bug.ID || len(d.Components) != 1 {
			t.Fatalf("completing with reasons and components: %+v", d)
		}

		w.Manager.MustDo("PATCH", path, map[string]any{"reason_ids": []int64{bug.ID, billing.ID}, "component_ids": []int64{widget.ID}}, 200, &d)
		if len(d.Reasons) != 2 || len(d.Components) != 1 || d.Components[0].ID != widget.ID || d.Status != beseda.DialogCompleted {
			t.Errorf("after editing the completed dialog: %+v", d)
		}
		for _, body := range []map[string]any{
			{"title": "Renamed"},
			{"reason_ids": []int64{bug.ID}, "title": "Renamed"},
			{"type_id": w.Types[1].ID},
			{"participant_ids": []int64{w.OwnerID, w.ManagerID}},
			{"status": "active"},
			{"component_ids": []int64{}, "account_rating": 1},
			{"reason_ids": []int64{}, "send_rating_form": true},
		} {
			w.Owner.WantError("PATCH", path, body, 409, beseda.EDIALOGCOMPLETED)
		}
		var got beseda.Dialog
		w.Owner.MustDo("GET", path, nil, 200, &got)
		if got.Title != "Case" || len(got.Reasons) != 2 || len(got.Components) != 1 || *got.AccountRating != 3 || len(got.Participants) != 1 {
			t.Errorf("a refused change changed the dialog: %+v", got)
		}
		// A reason removed from the settings stays where it is but is not newly chosen (P1).
		w.Owner.MustDo("DELETE", testkit.Path("/api/v1/settings/dialog-components/%d", payments.ID), nil, 204, nil)
		w.Owner.WantError("PATCH", path, map[string]any{"component_ids": []int64{widget.ID, payments.ID}}, 400, beseda.EINVALID)

		var events []beseda.DialogEvent
		w.Owner.MustDo("GET", path+"/events", nil, 200, &events)
		var kinds []string
		for _, e := range events {
			kinds = append(kinds, string(e.Kind))
		}
		want := "created reasons_changed components_changed status_changed account_rated reasons_changed components_changed"
		if strings.Join(kinds, " ") != want {
			t.Errorf("history\n got %s\nwant %s", strings.Join(kinds, " "), want)
		}
		last := events[len(events)-1]
		if last.Actor == nil || last.Actor.ID != w.ManagerID || len(last.Data.Added) != 1 || last.Data.Added[0].Name != "Widget" ||
			len(last.Data.Removed) != 1 || last.Data.Removed[0].Name != "Payments" {
			t.Errorf("the last change: %+v by %+v", last.Data, last.Actor)
		}
	})
}
