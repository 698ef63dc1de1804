package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
)

// waitStartupRetention waits for the retention run the server makes when it
// starts (River, once a leader is elected: seconds later on a busy
// machine): runs at once split the work between them, so a test that
// counts what one run removed waits for that one to be over.
func waitStartupRetention(t *testing.T, w *testkit.World) {
	t.Helper()
	testkit.Eventually(t, 2*time.Minute, "the start-up retention run", func() bool {
		var n int
		err := w.Srv.DB.WriteDB().QueryRow(`SELECT count(*) FROM river_job WHERE kind = 'retention' AND state = 'completed'`).Scan(&n)
		return err == nil && n > 0
	})
}

// TestDataRights_RetentionRemovesClosedDialogs: with closed dialogs kept 30
// days, the retention run at the clock's now removes the dialogs completed
// more than 30 days before, in sets (here of two, so five take three), with
// everything that hangs off them (reasons, components, participants,
// history, tasks, notifications, SLA figures); a dialog completed since
// stays, and an old paused or active one stays however old. The messages
// written in the removed dialogs stay in the client's chat, without a
// dialog: the API lists them, the chat page shows them (no mark of a
// dialog that is gone), search finds them. The run's report, its audit
// entry and the dialogs report agree; a second run removes nothing. On both
// databases.
func TestDataRights_RetentionRemovesClosedDialogs(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w, _ := attachmentServer(t, dbURL, func(c *server.Config) { c.RetentionBatch = 2 })
		clock := w.Srv.Clock
		waitStartupRetention(t, w)
		w.Owner.WantError("PUT", "/api/v1/settings/retention", map[string]any{"dialogs_days": 0}, 400, beseda.EINVALID)
		var p beseda.Retention
		w.Owner.MustDo("PUT", "/api/v1/settings/retention", map[string]any{"dialogs_days": 30}, 200, &p)
		if p.DialogsDays == nil || *p.DialogsDays != 30 || p.MessagesDays != nil {
			t.Fatalf("policy %+v", p)
		}
		w.Owner.MustDo("GET", "/api/v1/settings/retention", nil, 200, &p)
		if p.DialogsDays == nil || *p.DialogsDays != 30 {
			t.Fatalf("the stored policy %+v", p)
		}
		w.Owner.MustDo("POST", "/api/v1/settings/sla-policies", map[string]any{"name": "Default", "first_response_minutes": 60,
			"resolution_minutes": 600}, 201, nil)
		var reason, component beseda.CatalogItem
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Billing"}, 201, &reason)
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-components", map[string]string{"name": "Payments"}, 201, &component)

		// Anna's chat: five dialogs one after another, each with the
		// manager in it, a message in it and one before it, completed with
		// its reason, component and rating.
		anna := w.NewVisitor("Anna")
		var old []int64
		for i := range 5 {
			anna.Say(fmt.Sprintf("before case %d", i))
			d := w.CreateDialog(anna.SubscriberID, fmt.Sprintf("Case %d", i), w.ManagerID)
			w.Owner.MustDo("POST", testkit.Path("/api/v1/dialogs/%d/messages", d.ID), map[string]any{"text": fmt.Sprintf("inside case %d", i)},
				http.StatusCreated, nil)
			w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"reason_ids": []int64{reason.ID},
				"component_ids": []int64{component.ID}}, http.StatusOK, nil)
			w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed", "account_rating": 3},
				http.StatusOK, nil)
			old = append(old, d.ID)
		}
		chatBefore := w.Messages(anna.SubscriberID)
		paused := w.SetStatus(w.CreateDialog(w.NewVisitor("Boris").SubscriberID, "Paused long ago").ID, beseda.DialogPaused)
		active := w.CreateDialog(w.NewVisitor("Vera").SubscriberID, "Active long ago")
		for table, want := range map[string]bool{"dialog_events": true, "dialog_participants": true, "dialog_reason_links": true,
			"dialog_component_links": true, "dialog_sla": true, "tasks": true, "notifications": true} {
			if got := rowsOf(t, w, table, old); (got > 0) != want {
				t.Fatalf("before the run %s holds %d rows of the old dialogs", table, got)
			}
		}
		var found beseda.SearchPage
		w.Owner.MustDo("GET", "/api/v1/search?kind=dialog&q=case", nil, 200, &found)
		if len(found.Items) != len(old) {
			t.Fatalf("before the run search finds %d of the %d dialogs", len(found.Items), len(old))
		}
		run := func() []beseda.RetentionReport {
			t.Helper()
			reps, err := w.Srv.App.DataRights.RunRetention(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			return reps
		}
		if reps := run(); len(reps) != 0 {
			t.Fatalf("a run with nothing old removed %+v", reps)
		}

		var me beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
		clock.Advance(31 * 24 * time.Hour)
		w.Owner = testkit.Login(t, w.Srv.URL, me.Email, testkit.TestPassword) // tokens last 30 days
		gleb := w.NewVisitor("Gleb")
		recent := w.SetStatus(w.CreateDialog(gleb.SubscriberID, "Completed just now").ID, beseda.DialogCompleted)

		reps := run()
		if len(reps) != 1 || reps[0].Dialogs != int64(len(old)) || reps[0].Messages != 0 || reps[0].Files != 0 {
			t.Fatalf("the run removed %+v, want %d dialogs", reps, len(old))
		}
		for _, id := range old {
			w.Owner.WantError("GET", testkit.Path("/api/v1/dialogs/%d", id), nil, 404, beseda.ENOTFOUND)
		}
		for table := range map[string]bool{"dialog_events": true, "dialog_participants": true, "dialog_reason_links": true,
			"dialog_component_links": true, "dialog_sla": true, "tasks": true, "notifications": true, "dialogs": true} {
			if got := rowsOf(t, w, table, old); got != 0 {
				t.Errorf("after the run %s holds %d rows of the removed dialogs", table, got)
			}
		}
		for _, d := range []*beseda.Dialog{paused, active, recent} {
			var got beseda.Dialog
			w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, 200, &got)
			if got.Status != d.Status {
				t.Errorf("dialog %d is %s, was %s", d.ID, got.Status, d.Status)
			}
		}

		// The chat keeps every message, without the dialogs that are gone.
		chat := w.Messages(anna.SubscriberID)
		if len(chat) != len(chatBefore) || len(chat) < 10 {
			t.Fatalf("the chat has %d of its %d messages", len(chat), len(chatBefore))
		}
		for _, m := range chat {
			if m.DialogID != nil {
				t.Errorf("message %d still names the removed dialog %d", m.ID, *m.DialogID)
			}
		}
		page := string(testkit.ConsoleLogin(t, w.Srv.URL, me.Email, testkit.TestPassword).Get(testkit.Path("/chats/%d", anna.SubscriberID)).Body)
		for i := range old {
			if !strings.Contains(page, fmt.Sprintf("inside case %d", i)) || !strings.Contains(page, fmt.Sprintf("before case %d", i)) {
				t.Errorf("the chat page does not show the messages of case %d", i)
			}
			if strings.Contains(page, testkit.Path(`href="/dialogs/%d"`, old[i])) {
				t.Errorf("the chat page links to the removed dialog %d", old[i])
			}
		}
		w.Owner.MustDo("GET", "/api/v1/search?q=inside", nil, 200, &found)
		if len(found.Items) != len(old) {
			t.Errorf("search finds %+v", found.Items)
		}
		for _, h := range found.Items {
			if h.DialogID != nil {
				t.Errorf("search links %+v to a removed dialog", h)
			}
		}
		w.Owner.MustDo("GET", "/api/v1/search?kind=dialog&q=case", nil, 200, &found)
		if len(found.Items) != 0 {
			t.Errorf("search still finds the removed dialogs %+v", found.Items)
		}

		// The report, the audit log and the run say the same.
		var rep beseda.Report
		w.Owner.MustDo("GET", "/api/v1/reports/dialogs?from=2000-01-01", nil, 200, &rep)
		if rep.Totals.Dialogs != 3 || rep.Totals.ByStatus[beseda.DialogCompleted] != 1 {
			t.Errorf("the report after the run: %+v", rep.Totals)
		}
		entries := auditOf(t, w.Owner, beseda.AuditRetentionRun)
		if len(entries) != 1 || entries[0].Actor != nil || entries[0].Changes["dialogs"] != float64(len(old)) ||
			entries[0].Changes["messages"] != float64(0) {
			t.Errorf("retention entries %+v", entries)
		}

		// Nothing more is old enough: a second run removes nothing; a month
		// on, the dialog completed since goes too, the paused one stays.
		if reps := run(); len(reps) != 0 {
			t.Errorf("a second run removed %+v", reps)
		}
		clock.Advance(31 * 24 * time.Hour)
		w.Owner = testkit.Login(t, w.Srv.URL, me.Email, testkit.TestPassword)
		if reps := run(); len(reps) != 1 || reps[0].Dialogs != 1 {
			t.Errorf("a month on the run removed %+v, want the one completed since", reps)
		}
		var left []beseda.Dialog
		w.Owner.MustDo("GET", "/api/v1/dialogs", nil, 200, &left)
		if len(left) != 2 {
			t.Errorf("dialogs left %+v, want the paused and the active one", left)
		}
	})
}

// rowsOf counts the rows of a table that belong to the dialogs.
func rowsOf(t *testing.T, w *testkit.World, table string, dialogIDs []int64) int {
	t.Helper()
	column := "dialog_id"
	if table == "dialogs" {
		column = "id"
	}
	ids := make([]string, len(dialogIDs))
	for i, id := range dialogIDs {
		ids[i] = fmt.Sprint(id)
	}
	var n int
	if err := w.Srv.DB.WriteDB().QueryRow(`SELECT count(*) FROM ` + table + ` WHERE ` + column + ` IN (` + strings.Join(ids, ",") + `)`).
		Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
