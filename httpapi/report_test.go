package httpapi_test

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

func TestL2_DialogsReport(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		clock := w.Srv.Clock
		day1 := clock.Now()
		var billing, funnels beseda.CatalogItem
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Billing"}, 201, &billing)
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-components", map[string]string{"name": "=Funnels"}, 201, &funnels)
		refund := w.Types[1].ID

		// Day 1: two dialogs completed and rated; one with the manager, billing, funnels.
		anna, boris, chen := w.NewVisitor("Anna"), w.NewVisitor("Boris"), w.NewVisitor("Chen")
		var d1 beseda.Dialog
		w.Owner.MustDo("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": anna.SubscriberID, "title": "Charge twice",
			"type_id": refund, "reason_ids": []int64{billing.ID}, "component_ids": []int64{funnels.ID},
			"participant_ids": []int64{w.ManagerID}}, 201, &d1)
		clock.Advance(30 * time.Minute)
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d1.ID), map[string]any{"status": "completed",
			"account_rating": 3, "send_rating_form": true}, 200, nil)
		form := ratingForm(t, anna)
		anna.MustDo("POST", "/widget/"+anna.Key+"/postback", map[string]string{"payload": form.Buttons[0].Payload}, 200, nil)
		d2 := w.CreateDialog(boris.SubscriberID, "How to export")
		clock.Advance(90 * time.Minute)
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d2.ID), map[string]any{"status": "completed", "account_rating": 1}, 200, nil)
		// Day 2: one active, one paused.
		clock.Advance(24 * time.Hour)
		w.CreateDialog(chen.SubscriberID, "Still open")
		d4 := w.CreateDialog(anna.SubscriberID, "Follow-up")
		w.SetStatus(d4.ID, beseda.DialogPaused)
		// Another workspace's dialogs never show.
		other := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		other.CreateDialog(other.NewVisitor("X").SubscriberID, "Theirs")

		var rep beseda.Report
		w.Owner.MustDo("GET", "/api/v1/reports/dialogs", nil, 200, &rep)
		tot := rep.Totals
		if tot.Dialogs != 4 || tot.ByStatus["completed"] != 2 || tot.ByStatus["active"] != 1 || tot.ByStatus["paused"] != 1 {
			t.Errorf("counts by status %+v", tot)
		}
		if len(tot.ByType) != 2 || tot.ByType[0].Type.Name != "Support" || tot.ByType[0].Count != 3 || tot.ByType[1].Count != 1 {
			t.Errorf("by type %+v", tot.ByType)
		}
		if tot.AverageAccountRating == nil || *tot.AverageAccountRating != 2 || tot.AverageClientRating == nil || *tot.AverageClientRating != 1 {
			t.Errorf("averages %v %v", tot.AverageAccountRating, tot.AverageClientRating)
		}
		if tot.ClientRatings[1] != 1 || tot.ClientRatings[3] != 0 || tot.AccountRatings[3] != 1 {
			t.Errorf("distributions %v %v", tot.ClientRatings, tot.AccountRatings)
		}
		if tot.AverageSecondsToComplete == nil || *tot.AverageSecondsToComplete != 3600 {
			t.Errorf("average time to completion %v, want 3600 s", tot.AverageSecondsToComplete)
		}
		if len(tot.PerDay) != 2 || tot.PerDay[0].Date != day1.Format("2006-01-02") || tot.PerDay[0].Count != 2 {
			t.Errorf("per day %+v", tot.PerDay)
		}
		// R4: both ratings in the report's rows.
		if len(rep.Rows) != 4 {
			t.Fatalf("%d rows", len(rep.Rows))
		}
		last := rep.Rows[3]
		if last.ID != d1.ID || *last.AccountRating != 3 || *last.ClientRating != 1 || *last.DurationSeconds != 1800 ||
			len(last.Reasons) != 1 || len(last.Participants) != 2 || last.Subscriber.Name != "Anna" {
			t.Errorf("row %+v", last)
		}

		count := func(query string) int {
			var r beseda.Report
			w.Owner.MustDo("GET", "/api/v1/reports/dialogs?"+query, nil, 200, &r)
			// The days count the same dialogs as the totals, also when the
			// period starts or ends inside a day.
			perDay := 0
			for _, d := range r.Totals.PerDay {
				perDay += d.Count
			}
			if perDay != r.Totals.Dialogs {
				t.Errorf("%s: %d dialogs over the days, %d in all", query, perDay, r.Totals.Dialogs)
			}
			return r.Totals.Dialogs
		}
		for q, want := range map[string]int{
			"status=completed":                                                       2,
			testkit.Path("type_id=%d", refund):                                       1,
			testkit.Path("reason_id=%d", billing.ID):                                 1,
			testkit.Path("component_id=%d", funnels.ID):                              1,
			testkit.Path("manager_id=%d", w.ManagerID):                               1,
			testkit.Path("manager_id=%d", w.OwnerID):                                 4,
			"from=" + day1.Format("2006-01-02") + "&to=" + day1.Format("2006-01-02"): 2,
			"from=" + day1.AddDate(0, 0, 1).Format("2006-01-02"):                     2,
			"from=" + day1.Add(20*time.Minute).Format(time.RFC3339):                  3,
		} {
			if got := count(q); got != want {
				t.Errorf("%s: %d dialogs, want %d", q, got, want)
			}
		}
		if got := count("limit=1&status=completed"); got != 2 {
			t.Errorf("paging changed the totals: %d", got)
		}
		for _, bad := range []string{"status=open", "from=yesterday", "tz=Mars/Base", "type_id=x", "format=xml"} {
			w.Owner.WantError("GET", "/api/v1/reports/dialogs?"+bad, nil, 400, beseda.EINVALID)
		}
	})
}

func TestL2_ReportCSVAndPermission(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("=cmd|calc")
		d := w.CreateDialog(v.SubscriberID, "Export me, please")
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed", "account_rating": 2}, 200, nil)
		w.CreateDialog(w.NewVisitor("Boris").SubscriberID, "Second")

		w.Manager.WantError("GET", "/api/v1/reports/dialogs", nil, 403, beseda.EFORBIDDEN)
		w.Manager.WantError("GET", "/api/v1/reports/dialogs?format=csv", nil, 403, beseda.EFORBIDDEN)
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID), map[string]any{"permissions": []string{"reports.view"}}, 200, nil)
		res := w.Manager.MustDo("GET", "/api/v1/reports/dialogs?format=csv&tz=Europe/Moscow", nil, 200, nil)
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("content type %q", ct)
		}
		body, bom := strings.CutPrefix(string(res.Body), "\uFEFF")
		if !bom {
			t.Errorf("the CSV has no UTF-8 byte-order mark: Excel would garble Cyrillic")
		}
		records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		// Newest first, as in the report's rows: both were created at one
		// moment, so the later id first.
		if len(records) != 3 || records[0][0] != "id" || records[1][1] != "Second" || records[2][1] != "Export me, please" {
			t.Fatalf("csv %v", records)
		}
		row := records[2]
		if row[3] != "'=cmd|calc" || row[8] != "completed" || row[12] != "2" || row[13] != "" || !strings.HasSuffix(row[9], "+03:00") {
			t.Errorf("csv row %v", row)
		}
	})
}

// TestL2_ReportRowsNewestFirstInPageAndCSV: the report's rows and its CSV
// list the dialogs in one order — by creation time, newest first, ties by
// id — whatever order their ids are in, and across the CSV's pages.
func TestL2_ReportRowsNewestFirstInPageAndCSV(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		clock := w.Srv.Clock
		start := clock.Now()
		var want []string
		at := func(offset time.Duration, title string) {
			clock.Set(start.Add(offset))
			w.CreateDialog(w.NewVisitor("Client "+title).SubscriberID, title)
		}
		at(0, "noon")
		at(-time.Hour, "an hour before") // a later id, an earlier time
		at(time.Hour, "an hour after")
		at(time.Hour, "an hour after, second") // the same moment: the later id first
		want = []string{"an hour after, second", "an hour after", "noon", "an hour before"}

		var rep beseda.Report
		w.Owner.MustDo("GET", "/api/v1/reports/dialogs", nil, 200, &rep)
		var rows []string
		for _, r := range rep.Rows {
			rows = append(rows, r.Title)
		}
		if strings.Join(rows, " | ") != strings.Join(want, " | ") {
			t.Errorf("the rows:\n got %s\nwant %s", strings.Join(rows, " | "), strings.Join(want, " | "))
		}
		w.Owner.MustDo("GET", "/api/v1/reports/dialogs?limit=2&offset=2", nil, 200, &rep)
		if len(rep.Rows) != 2 || rep.Rows[0].Title != "noon" {
			t.Errorf("the second page starts with %v", rep.Rows)
		}
		res := w.Owner.MustDo("GET", "/api/v1/reports/dialogs?format=csv", nil, 200, nil)
		records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(res.Body), "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var csvRows []string
		for _, r := range records[1:] {
			csvRows = append(csvRows, r[1])
		}
		if strings.Join(csvRows, " | ") != strings.Join(want, " | ") {
			t.Errorf("the CSV:\n got %s\nwant %s", strings.Join(csvRows, " | "), strings.Join(want, " | "))
		}
	})
}
