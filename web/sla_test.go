package web_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestT1_ConsoleBusinessHours: Settings → Business hours shows and saves the
// schedule in the manager's language; rows left empty are dropped; a refused
// form comes back as it was typed, with the error in the manager's words;
// managers without dialog_settings.edit may not open it.
func TestT1_ConsoleBusinessHours(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleRU)
		var owner, manager beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &owner)
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &manager)
		if res := testkit.ConsoleLogin(t, srv.URL, manager.Email, testkit.TestPassword).Get("/settings/hours"); res.Status != 403 {
			t.Errorf("a manager without dialog_settings.edit opens the hours: %d", res.Status)
		}
		c := testkit.ConsoleLogin(t, srv.URL, owner.Email, testkit.TestPassword)
		page := c.Get("/settings/hours")
		if page.Status != 200 || !strings.Contains(string(page.Body), "Рабочее время") || !strings.Contains(string(page.Body), "Понедельник") {
			t.Fatalf("the page in Russian: %d", page.Status)
		}
		res := c.Post("/settings/hours", url.Values{"time_zone": {"Europe/Moscow"},
			"weekday": {"1", "5", ""}, "start": {"09:00", "22:00", ""}, "end": {"18:00", "06:00", ""},
			"date": {"2027-01-07", "", ""}, "repeat": {"yearly", "once", "once"}})
		if res.Status != 303 || res.Header.Get("Location") != "/settings/hours?saved=1" {
			t.Fatalf("save: %d %s", res.Status, flashOf(res))
		}
		var h beseda.BusinessHours
		w.Owner.MustDo("GET", "/api/v1/settings/business-hours", nil, 200, &h)
		if h.TimeZone != "Europe/Moscow" || len(h.Periods) != 2 || h.Periods[1] != (beseda.Period{Weekday: 5, Start: "22:00", End: "06:00"}) ||
			len(h.Holidays) != 1 || h.Holidays[0] != (beseda.Holiday{Date: "2027-01-07", Yearly: true}) {
			t.Fatalf("saved %+v", h)
		}
		page = c.Get("/settings/hours")
		if !strings.Contains(string(page.Body), `value="22:00"`) || !strings.Contains(string(page.Body), `value="2027-01-07"`) {
			t.Errorf("the saved schedule is not shown")
		}

		res = c.Post("/settings/hours", url.Values{"time_zone": {"Europe/Moscow"}, "weekday": {""}, "start": {"10:00"}, "end": {"12:00"}})
		if f := flashOf(res); res.Status != 303 || !strings.Contains(f, "выберите день") {
			t.Fatalf("a period without its day: %d %s", res.Status, f)
		}
		w.Owner.MustDo("GET", "/api/v1/settings/business-hours", nil, 200, &h)
		if len(h.Periods) != 2 {
			t.Fatalf("a refused form changed the hours: %+v", h.Periods)
		}
	})
}

// TestT2_ConsoleShowsTimeLeft: the Dialogs tab marks each dialog with its
// nearest target's time left and sorts by it on request; a dialog's page
// shows each target, and a paused dialog's clock as stopped.
func TestT2_ConsoleShowsTimeLeft(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		w.Owner.MustDo("POST", "/api/v1/settings/sla-policies", map[string]any{"name": "Default",
			"first_response_minutes": 60, "resolution_minutes": 600}, 201, nil)
		var owner beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &owner)
		older := w.CreateDialog(w.NewVisitor("Anna").SubscriberID, "Older case")
		srv.Clock.Advance(50 * time.Minute)
		newer := w.CreateDialog(w.NewVisitor("Boris").SubscriberID, "Newer case")
		srv.Clock.Advance(5 * time.Minute)

		c := testkit.ConsoleLogin(t, srv.URL, owner.Email, testkit.TestPassword)
		body := string(c.Get("/dialogs?sort=left").Body)
		iOld, iNew := strings.Index(body, "dialog-row-"+strconv.FormatInt(older.ID, 10)), strings.Index(body, "dialog-row-"+strconv.FormatInt(newer.ID, 10))
		if iOld < 0 || iNew < 0 || iOld > iNew {
			t.Fatalf("sorted by time left, the older dialog (5 min left) is not first: %d, %d", iOld, iNew)
		}
		if !strings.Contains(body, `sla sla-warn">5 min left`) || !strings.Contains(body, `sla sla-ok">55 min left`) {
			t.Errorf("the marks are missing:\n%s", body)
		}
		if body := string(c.Get("/dialogs").Body); strings.Index(body, "dialog-row-"+strconv.FormatInt(newer.ID, 10)) >
			strings.Index(body, "dialog-row-"+strconv.FormatInt(older.ID, 10)) {
			t.Errorf("without sorting, the newest dialog is not first")
		}
		srv.Clock.Advance(10 * time.Minute)
		page := string(c.Get(testkit.Path("/dialogs/%d", older.ID)).Body)
		if !strings.Contains(page, `id="sla-first_response">overdue by 5 min`) || !strings.Contains(page, `id="sla-resolution">8 h 55 min left`) {
			i := strings.Index(page, "sla-first_response")
			t.Errorf("the dialog's page does not show its targets: %s", page[max(i-300, 0):min(i+400, len(page))])
		}
		w.SetStatus(newer.ID, beseda.DialogPaused)
		page = string(c.Get(testkit.Path("/dialogs/%d", newer.ID)).Body)
		if !strings.Contains(page, `id="sla-resolution">clock stopped`) {
			t.Errorf("a paused dialog's clock is not shown as stopped")
		}
	})
}
