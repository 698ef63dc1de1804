package httpapi_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestT6_SLAReport: the SLA report counts first-response and resolution
// times in working time with the paused period left out, and attainment
// (no target missed), in total, per manager, per type and per day, in JSON
// and CSV; it needs reports.view.
func TestT6_SLAReport(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := slaWorld(t, dbURL, map[string]any{"name": "Default", "first_response_minutes": 60, "resolution_minutes": 600})
		clock := w.Srv.Clock
		a := w.CreateDialog(w.NewVisitor("Anna").SubscriberID, "Answered", w.ManagerID)
		clock.Advance(10 * time.Minute)
		w.Manager.MustDo("POST", testkit.Path("/api/v1/dialogs/%d/messages", a.ID), map[string]string{"text": "Hello"}, 201, nil)
		clock.Advance(10 * time.Minute)
		w.SetStatus(a.ID, beseda.DialogPaused)
		clock.Advance(30 * time.Minute) // paused: not counted
		w.SetStatus(a.ID, beseda.DialogActive)
		clock.Advance(20 * time.Minute)
		w.SetStatus(a.ID, beseda.DialogCompleted)

		var b beseda.Dialog
		w.Owner.MustDo("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": w.NewVisitor("Boris").SubscriberID, "title": "Unanswered",
			"type_id": w.Types[1].ID}, 201, &b)
		clock.Advance(61 * time.Minute)
		if _, _, err := w.Srv.App.SLA.Sweep(context.Background()); err != nil {
			t.Fatal(err)
		}

		var rep beseda.SLAReport
		w.Owner.MustDo("GET", "/api/v1/reports/sla", nil, 200, &rep)
		tot := rep.Totals
		if tot.Dialogs != 2 || tot.Attained != 1 || tot.Attainment == nil || *tot.Attainment != 0.5 ||
			tot.FirstResponses != 1 || *tot.FirstResponseAvgSeconds != 600 || tot.Resolutions != 1 || *tot.ResolutionAvgSeconds != 2400 {
			t.Fatalf("totals %+v", tot)
		}
		byID := func(list []beseda.SLAStats) map[int64]beseda.SLAStats {
			out := map[int64]beseda.SLAStats{}
			for _, s := range list {
				out[s.ID] = s
			}
			return out
		}
		m := byID(rep.ByManager)
		if m[w.OwnerID].Dialogs != 2 || m[w.OwnerID].Attained != 1 || m[w.ManagerID].Dialogs != 1 || m[w.ManagerID].Attained != 1 ||
			m[w.ManagerID].Key != "Misha Manager" || len(m) != 2 {
			t.Fatalf("per manager %+v", rep.ByManager)
		}
		ty := byID(rep.ByType)
		if ty[w.Types[0].ID].Attained != 1 || ty[w.Types[1].ID].Dialogs != 1 || ty[w.Types[1].ID].Attained != 0 || *ty[w.Types[1].ID].Attainment != 0 {
			t.Fatalf("per type %+v", rep.ByType)
		}
		if len(rep.PerDay) != 1 || rep.PerDay[0].Dialogs != 2 || rep.PerDay[0].Key != a.CreatedAt.UTC().Format(time.DateOnly) {
			t.Fatalf("per day %+v", rep.PerDay)
		}
		// A period without them, and another type: nothing.
		w.Owner.MustDo("GET", testkit.Path("/api/v1/reports/sla?type_id=%d", w.Types[1].ID), nil, 200, &rep)
		if rep.Totals.Dialogs != 1 || rep.Totals.Attained != 0 {
			t.Fatalf("filtered by type: %+v", rep.Totals)
		}

		res := w.Owner.MustDo("GET", "/api/v1/reports/sla?format=csv", nil, 200, nil)
		records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(res.Body), "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(records[0], ",") != "group,id,key,dialogs,attained,attainment,first_responses,first_response_avg_seconds,resolutions,resolution_avg_seconds" ||
			strings.Join(records[1], ",") != "total,,,2,1,0.5000,1,600,1,2400" || len(records) != 1+1+2+2+1 {
			t.Fatalf("CSV:\n%s", res.Body)
		}
		w.Manager.WantError("GET", "/api/v1/reports/sla", nil, 403, beseda.EFORBIDDEN)
		w.Owner.WantError("GET", "/api/v1/reports/sla?format=xml", nil, 400, beseda.EINVALID)
	})
}

// TestT6_SLAReportSumsFollowEveryChange: the SLA report read from the sums
// kept per hour (sla_rollup) equals the report computed from the dialogs
// after every kind of change — replies, pauses, completion, a breach found
// by the sweep, participants added and removed, the type changed, and
// several of them in one request (on PostgreSQL one statement, whose
// triggers fire together) — in total, per manager, type and day, for the
// whole period, a type, a day and another time zone; a time zone whose days
// do not begin on the hour reads the dialogs.
func TestT6_SLAReportSumsFollowEveryChange(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := slaWorld(t, dbURL, map[string]any{"name": "Default", "first_response_minutes": 60, "next_response_minutes": 30,
			"resolution_minutes": 600})
		w.Owner.MustDo("POST", "/api/v1/settings/sla-policies", map[string]any{"name": "Refunds", "type_id": w.Types[1].ID,
			"first_response_minutes": 15, "resolution_minutes": 120}, 201, nil)
		clock := w.Srv.Clock
		ctx := context.Background()
		patch := func(id int64, body map[string]any) {
			w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", id), body, 200, nil)
		}
		reply := func(id int64) {
			w.Manager.MustDo("POST", testkit.Path("/api/v1/dialogs/%d/messages", id), map[string]string{"text": "Hello"}, 201, nil)
		}
		var ids []int64
		for day := range 3 {
			for i, typ := range []int64{w.Types[0].ID, w.Types[1].ID, w.Types[0].ID} {
				var d beseda.Dialog
				w.Owner.MustDo("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": w.NewVisitor("Client").SubscriberID,
					"title": "Case", "type_id": typ, "participant_ids": []int64{w.ManagerID}}, 201, &d)
				ids = append(ids, d.ID)
				clock.Advance(time.Duration(10+i*20) * time.Minute)
				if i != 2 {
					reply(d.ID)
				}
			}
			a, b, c := ids[len(ids)-3], ids[len(ids)-2], ids[len(ids)-1]
			w.SetStatus(a, beseda.DialogPaused)
			clock.Advance(45 * time.Minute)
			w.SetStatus(a, beseda.DialogActive)
			// Type, participants and status at once.
			patch(b, map[string]any{"type_id": w.Types[0].ID, "participant_ids": []int64{w.OwnerID}, "status": beseda.DialogPaused})
			clock.Advance(3 * time.Hour)
			if _, _, err := w.Srv.App.SLA.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			patch(c, map[string]any{"type_id": w.Types[1].ID, "status": beseda.DialogCompleted})
			patch(a, map[string]any{"participant_ids": []int64{w.OwnerID, w.ManagerID}})
			reply(a)
			w.SetStatus(a, beseda.DialogCompleted)
			if day == 1 {
				patch(b, map[string]any{"participant_ids": []int64{w.OwnerID, w.ManagerID}, "status": beseda.DialogActive})
			}
			clock.Advance(20 * time.Hour)
		}

		today := clock.Now().UTC().Format(time.DateOnly)
		berlin, _ := time.LoadLocation("Europe/Berlin")
		kolkata, _ := time.LoadLocation("Asia/Kolkata")
		from, _ := time.ParseInLocation(time.DateOnly, today, time.UTC)
		from = from.AddDate(0, 0, -1)
		typ := w.Types[0].ID
		for name, f := range map[string]beseda.ReportFilter{
			"all": {}, "type": {TypeID: &typ}, "from yesterday": {From: &from}, "Berlin": {Location: berlin},
		} {
			f.WorkspaceID = w.WorkspaceID
			if f.Location == nil {
				f.Location = time.UTC
			}
			rolled, ok, err := w.Srv.DB.SLAReportRollup(ctx, f)
			if err != nil || !ok {
				t.Fatalf("%s: from the sums: %v, %v", name, ok, err)
			}
			scanned, err := w.Srv.DB.SLAReportScan(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(rolled)
			want, _ := json.Marshal(scanned)
			if string(got) != string(want) {
				t.Errorf("%s: from the sums\n%s\nfrom the dialogs\n%s", name, got, want)
			}
			if name == "all" && (scanned.Totals.Dialogs != 9 || len(scanned.ByManager) != 2 || len(scanned.PerDay) != 3 ||
				scanned.Totals.Attained == 0 || scanned.Totals.Attained == 9) {
				t.Errorf("the report does not cover the cases: %s", want)
			}
		}
		if _, ok, err := w.Srv.DB.SLAReportRollup(ctx, beseda.ReportFilter{WorkspaceID: w.WorkspaceID, Location: kolkata}); ok || err != nil {
			t.Errorf("days of Asia/Kolkata from the sums: %v, %v", ok, err)
		}
	})
}

// TestT6_SLAReportSumsUnderConcurrentWrites: managers writing at once to
// dialogs of the same hour and type — creating them, answering while the
// type and the participants change, completing — leave the sums the SLA
// report reads equal to the dialogs' figures (on PostgreSQL concurrent
// transactions' triggers take turns on the rows of an hour; a deadlock
// between them would be retried by the store).
func TestT6_SLAReportSumsUnderConcurrentWrites(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := slaWorld(t, dbURL, map[string]any{"name": "Default", "first_response_minutes": 60, "resolution_minutes": 600})
		const workers, each = 4, 5
		subs := make([]int64, workers*each)
		for i := range subs {
			subs[i] = w.NewVisitor("Client").SubscriberID
		}
		var wg sync.WaitGroup
		errs := make(chan error, 2*workers*each)
		for g := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					res := w.Owner.Do("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": subs[g*each+i], "title": "Case",
						"type_id": w.Types[0].ID, "participant_ids": []int64{w.ManagerID}})
					var d beseda.Dialog
					if err := json.Unmarshal(res.Body, &d); res.Status != 201 || err != nil {
						errs <- fmt.Errorf("create: %d %s", res.Status, res.Body)
						return
					}
					path := testkit.Path("/api/v1/dialogs/%d", d.ID)
					// The first response and a new participant at once,
					// on one dialog.
					var both sync.WaitGroup
					both.Add(1)
					go func() {
						defer both.Done()
						if res := w.Manager.Do("POST", path+"/messages", map[string]string{"text": "Hello"}); res.Status != 201 {
							errs <- fmt.Errorf("message: %d %s", res.Status, res.Body)
						}
					}()
					patch := func(body map[string]any) bool {
						if res := w.Owner.Do("PATCH", path, body); res.Status != 200 {
							errs <- fmt.Errorf("PATCH %v: %d %s", body, res.Status, res.Body)
							return false
						}
						return true
					}
					ok := patch(map[string]any{"type_id": w.Types[1].ID, "participant_ids": []int64{w.ManagerID, w.OwnerID}})
					both.Wait()
					if !ok || !patch(map[string]any{"status": beseda.DialogCompleted}) {
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		ctx := context.Background()
		f := beseda.ReportFilter{WorkspaceID: w.WorkspaceID, Location: time.UTC}
		rolled, ok, err := w.Srv.DB.SLAReportRollup(ctx, f)
		if err != nil || !ok {
			t.Fatalf("from the sums: %v, %v", ok, err)
		}
		scanned, err := w.Srv.DB.SLAReportScan(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(rolled)
		want, _ := json.Marshal(scanned)
		if string(got) != string(want) || scanned.Totals.Dialogs != workers*each || scanned.Totals.Resolutions != workers*each {
			t.Fatalf("from the sums\n%s\nfrom the dialogs\n%s", got, want)
		}
	})
}
