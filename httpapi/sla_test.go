package httpapi_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestT1_BusinessHoursAPI: the hours are read by every manager, replaced
// whole by those who may edit dialog settings, kept in a canonical order,
// refused with invalid_input when wrong, and seen by no other workspace.
func TestT1_BusinessHoursAPI(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		const path = "/api/v1/settings/business-hours"
		var h beseda.BusinessHours
		w.Manager.MustDo("GET", path, nil, 200, &h)
		if h.TimeZone != "UTC" || len(h.Periods) != 0 || len(h.Holidays) != 0 || h.UpdatedAt != nil {
			t.Fatalf("a new workspace's hours are %+v, want always open in UTC", h)
		}
		in := map[string]any{"time_zone": "Europe/Berlin",
			"periods": []map[string]any{{"weekday": 5, "start": "22:00", "end": "06:00"}, {"weekday": 1, "start": "13:00", "end": "17:00"},
				{"weekday": 1, "start": "09:00", "end": "12:00"}},
			"holidays": []map[string]any{{"date": "2026-12-31"}, {"date": "2026-12-25", "yearly": true}}}
		w.Manager.WantError("PUT", path, in, 403, beseda.EFORBIDDEN)
		w.Owner.MustDo("PUT", path, in, 200, &h)
		var got beseda.BusinessHours
		w.Manager.MustDo("GET", path, nil, 200, &got)
		want := []beseda.Period{{Weekday: 1, Start: "09:00", End: "12:00"}, {Weekday: 1, Start: "13:00", End: "17:00"}, {Weekday: 5, Start: "22:00", End: "06:00"}}
		if got.TimeZone != "Europe/Berlin" || !reflect.DeepEqual(got.Periods, want) || got.UpdatedAt == nil ||
			!reflect.DeepEqual(got.Holidays, []beseda.Holiday{{Date: "2026-12-25", Yearly: true}, {Date: "2026-12-31"}}) {
			t.Fatalf("stored hours are %+v", got)
		}
		for name, bad := range map[string]map[string]any{
			"zone":    {"time_zone": "Nowhere/Land"},
			"weekday": {"periods": []map[string]any{{"weekday": 7, "start": "09:00", "end": "10:00"}}},
			"time":    {"periods": []map[string]any{{"weekday": 1, "start": "9:00", "end": "10:00"}}},
			"date":    {"holidays": []map[string]any{{"date": "31.12.2026"}}},
		} {
			if res := w.Owner.WantError("PUT", path, bad, 400, beseda.EINVALID); res == nil {
				t.Errorf("%s: accepted", name)
			}
		}
		w.Owner.MustDo("GET", path, nil, 200, &got)
		if !reflect.DeepEqual(got.Periods, want) {
			t.Fatalf("a refused change changed the hours: %+v", got.Periods)
		}

		other := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		other.Owner.MustDo("GET", path, nil, 200, &got)
		if len(got.Periods) != 0 || got.TimeZone != "UTC" {
			t.Fatalf("another workspace sees %+v (P3)", got)
		}
	})
}

// slaWorld is a workspace whose default SLA policy is the given one, open
// at every hour.
func slaWorld(t *testing.T, dbURL string, policy map[string]any) *testkit.World {
	t.Helper()
	w := webhookWorld(t, dbURL, testkit.Options{})
	w.Owner.MustDo("POST", "/api/v1/settings/sla-policies", policy, 201, nil)
	return w
}

func getDialog(w *testkit.World, id int64) beseda.Dialog {
	var d beseda.Dialog
	w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", id), nil, 200, &d)
	return d
}

func sameTime(t *testing.T, what string, got *time.Time, want time.Time) {
	t.Helper()
	if got == nil || !got.Equal(want) {
		t.Errorf("%s = %v, want %s", what, got, want)
	}
}

// TestT2_SLAPoliciesAPI: policies per type and one default, edited by those
// who may edit dialog settings; a second policy for a type is refused.
func TestT2_SLAPoliciesAPI(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		const path = "/api/v1/settings/sla-policies"
		in := map[string]any{"name": "Default", "type_id": nil, "first_response_minutes": 30, "resolution_minutes": 480}
		w.Manager.WantError("POST", path, in, 403, beseda.EFORBIDDEN)
		var def, refund beseda.SLAPolicy
		w.Owner.MustDo("POST", path, in, 201, &def)
		if def.WarnPercent != 80 || def.TypeID != nil || def.FirstResponseMinutes != 30 {
			t.Fatalf("created %+v", def)
		}
		w.Owner.WantError("POST", path, in, 409, beseda.ESLAPOLICYEXISTS)
		w.Owner.MustDo("POST", path, map[string]any{"name": "Refunds", "type_id": w.Types[1].ID, "next_response_minutes": 15,
			"warn_percent": 50}, 201, &refund)
		w.Owner.WantError("POST", path, map[string]any{"name": "Again", "type_id": w.Types[1].ID, "next_response_minutes": 5}, 409, beseda.ESLAPOLICYEXISTS)
		w.Owner.WantError("POST", path, map[string]any{"name": "No type", "type_id": 999999, "next_response_minutes": 5}, 404, beseda.ENOTFOUND)
		w.Owner.WantError("POST", path, map[string]any{"name": "Nothing"}, 400, beseda.EINVALID)
		w.Owner.WantError("PATCH", testkit.Path("%s/%d", path, refund.ID), map[string]any{"type_id": nil}, 409, beseda.ESLAPOLICYEXISTS)
		w.Owner.MustDo("PATCH", testkit.Path("%s/%d", path, refund.ID), map[string]any{"resolution_minutes": 60}, 200, &refund)
		if refund.ResolutionMinutes != 60 || refund.NextResponseMinutes != 15 || refund.TypeID == nil {
			t.Errorf("patched %+v", refund)
		}
		var list []beseda.SLAPolicy
		w.Manager.MustDo("GET", path, nil, 200, &list)
		if len(list) != 2 || list[0].ID != def.ID {
			t.Fatalf("list %+v, want the default first", list)
		}
		w.Owner.MustDo("DELETE", testkit.Path("%s/%d", path, def.ID), nil, 204, nil)
		w.Owner.WantError("DELETE", testkit.Path("%s/%d", path, def.ID), nil, 404, beseda.ENOTFOUND)
		other := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		other.Owner.WantError("PATCH", testkit.Path("%s/%d", path, refund.ID), map[string]any{"name": "Mine"}, 404, beseda.ENOTFOUND)

		// A dialog of a type without a policy and without a default has no SLA.
		d := w.CreateDialog(w.NewVisitor("Anna").SubscriberID, "No SLA")
		if got := getDialog(w, d.ID); got.SLA != nil {
			t.Errorf("a dialog without a policy has an SLA: %+v", got.SLA)
		}
	})
}

// TestT3_WhatCountsAsAResponse: the first response is the first manager
// message to the client in the dialog; an internal note is not one, nor is
// a client's message; after it, a client message starts the next-response
// target, which the manager's next message meets.
func TestT3_WhatCountsAsAResponse(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := slaWorld(t, dbURL, map[string]any{"name": "Default", "first_response_minutes": 30,
			"next_response_minutes": 15, "resolution_minutes": 600})
		clock := w.Srv.Clock
		v := w.NewVisitor("Anna")
		created := w.CreateDialog(v.SubscriberID, "Refund")
		start := created.CreatedAt
		if created.SLA == nil {
			t.Fatal("a new dialog under a default policy has no SLA")
		}
		sameTime(t, "first response due", created.SLA.FirstResponseDueAt, start.Add(30*time.Minute))
		sameTime(t, "resolution due", created.SLA.ResolutionDueAt, start.Add(10*time.Hour))
		dp := testkit.Path("/api/v1/dialogs/%d/messages", created.ID)

		clock.Advance(time.Minute)
		w.Owner.MustDo("POST", dp, map[string]any{"text": "checking the order", "internal": true}, 201, nil)
		v.Say("Any news?")
		if d := getDialog(w, created.ID); d.SLA.FirstResponseAt != nil || d.SLA.FirstResponseDueAt == nil || d.SLA.NextResponseDueAt != nil {
			t.Fatalf("after a note and a client message: %+v", d.SLA)
		}
		clock.Advance(time.Minute)
		w.Owner.MustDo("POST", dp, map[string]any{"text": "Hello, looking into it"}, 201, nil)
		d := getDialog(w, created.ID)
		sameTime(t, "first response at", d.SLA.FirstResponseAt, start.Add(2*time.Minute))
		if d.SLA.FirstResponseDueAt != nil || d.SLA.NextResponseDueAt != nil {
			t.Fatalf("after the first response: %+v", d.SLA)
		}
		clock.Advance(time.Minute)
		v.Say("Thanks, and the refund?")
		sameTime(t, "next response due", getDialog(w, created.ID).SLA.NextResponseDueAt, start.Add(18*time.Minute))
		clock.Advance(time.Minute)
		w.Owner.MustDo("POST", dp, map[string]any{"text": "Sent today"}, 201, nil)
		if d := getDialog(w, created.ID); d.SLA.NextResponseDueAt != nil || len(d.SLA.Breached) != 0 {
			t.Fatalf("after the answer: %+v", d.SLA)
		}
	})
}

// TestT2_PausedDialogStopsTheClock: pausing stops the clock (no due times,
// nothing fires), resuming moves the due times by the time paused, which is
// counted; completing ends it.
func TestT2_PausedDialogStopsTheClock(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := slaWorld(t, dbURL, map[string]any{"name": "Default", "first_response_minutes": 30, "resolution_minutes": 60})
		clock := w.Srv.Clock
		d := w.CreateDialog(w.NewVisitor("Anna").SubscriberID, "Refund", w.ManagerID)
		start := d.CreatedAt
		clock.Advance(10 * time.Minute)
		paused := w.SetStatus(d.ID, beseda.DialogPaused)
		if paused.SLA == nil || paused.SLA.Running || paused.SLA.ResolutionDueAt != nil {
			t.Fatalf("paused: %+v", paused.SLA)
		}
		clock.Advance(5 * time.Hour)
		if _, _, err := w.Srv.App.SLA.Sweep(context.Background()); err != nil {
			t.Fatal(err)
		}
		var notes []beseda.Notification
		w.Manager.MustDo("GET", "/api/v1/notifications", nil, 200, &notes)
		for _, n := range notes {
			if n.Kind == beseda.NotifySLAWarning || n.Kind == beseda.NotifySLABreached {
				t.Errorf("a paused dialog's clock fired: %+v", n)
			}
		}
		resumed := w.SetStatus(d.ID, beseda.DialogActive)
		sameTime(t, "resolution due after the pause", resumed.SLA.ResolutionDueAt, start.Add(5*time.Hour+60*time.Minute))
		if resumed.SLA.PausedSeconds != 5*3600 || !resumed.SLA.Running {
			t.Errorf("after resuming: %+v", resumed.SLA)
		}
		done := w.SetStatus(d.ID, beseda.DialogCompleted)
		if done.SLA.Running || done.SLA.ResolutionDueAt != nil || len(done.SLA.Breached) != 0 {
			t.Errorf("completed in time: %+v", done.SLA)
		}
	})
}

// TestT5_SweepFiresOnceAcrossProcesses: two processes on one PostgreSQL
// sweep at the same moments of one fake clock, many times at once; each
// warning and breach becomes exactly one notification per participant and
// one webhook event, in the manager's language.
func TestT5_SweepFiresOnceAcrossProcesses(t *testing.T) {
	t.Parallel()
	if testkit.PostgresURL() == "" {
		t.Skip("no PostgreSQL server")
	}
	dbURL := testkit.NewMigratedDatabase(t, store.Postgres)
	w := slaWorld(t, dbURL, map[string]any{"name": "Default", "first_response_minutes": 10})
	second := testkit.StartServer(t, dbURL, testkit.Options{Clock: w.Srv.Clock})
	rc := testkit.NewReceiver(t)
	subscribe(t, w.Owner, rc.URL, "s", beseda.WebhookDialogSLAWarning, beseda.WebhookDialogSLABreached)
	w.Manager.MustDo("PATCH", "/api/v1/me", map[string]string{"locale": "ru"}, 200, nil)
	d := w.CreateDialog(w.NewVisitor("Anna").SubscriberID, "Возврат", w.ManagerID)

	sweepAll := func() int {
		var mu sync.Mutex
		fired := 0
		var wg sync.WaitGroup
		for i := range 8 {
			a := w.Srv.App
			if i%2 == 1 {
				a = second.App
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, _, err := a.SLA.Sweep(context.Background())
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				fired += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		return fired
	}
	count := func(kind beseda.NotificationKind) (n int, text string) {
		var notes []beseda.Notification
		w.Manager.MustDo("GET", "/api/v1/notifications", nil, 200, &notes)
		for _, x := range notes {
			if x.Kind == kind {
				n, text = n+1, x.Text
			}
		}
		return n, text
	}
	w.Srv.Clock.Advance(7 * time.Minute)
	sweepAll()
	if n, _ := count(beseda.NotifySLAWarning); n != 0 {
		t.Fatalf("warned at 70 %%: %d", n)
	}
	w.Srv.Clock.Advance(time.Minute)
	sweepAll()
	sweepAll()
	if n, text := count(beseda.NotifySLAWarning); n != 1 || !strings.Contains(text, "скоро истекает срок первого ответа") {
		t.Fatalf("at 80 %%: %d warnings (%q), want one in Russian", n, text)
	}
	w.Srv.Clock.Advance(3 * time.Minute)
	sweepAll()
	sweepAll()
	if n, _ := count(beseda.NotifySLABreached); n != 1 {
		t.Fatalf("after the target: %d breaches, want 1", n)
	}
	got := rc.WaitFor(2)
	types := map[string]int{}
	for _, r := range rc.Requests() {
		types[r.Header.Get("X-Beseda-Event")]++
		var body struct {
			Data struct {
				ID        int64  `json:"id"`
				SLATarget string `json:"sla_target"`
			} `json:"data"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil || body.Data.ID != d.ID || body.Data.SLATarget != "first_response" {
			t.Errorf("webhook body %s", r.Body)
		}
	}
	if len(got) < 2 || types["dialog.sla_warning"] != 1 || types["dialog.sla_breached"] != 1 {
		t.Errorf("webhook events %v, want one warning and one breach", types)
	}
	if b := getDialog(w, d.ID).SLA.Breached; len(b) != 1 || b[0] != beseda.SLAFirstResponse {
		t.Errorf("breached %v", b)
	}
}
