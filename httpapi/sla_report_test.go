package httpapi_test

import (
	"context"
	"encoding/csv"
	"strings"
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
