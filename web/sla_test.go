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

// TestT2_ConsoleSLAPolicies: SLA targets are added, changed and removed (after
// asking) on Settings → Business hours and SLA; a refused policy says why
// in the manager's language.
func TestT2_ConsoleSLAPolicies(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var owner beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &owner)
		c := testkit.ConsoleLogin(t, srv.URL, owner.Email, testkit.TestPassword)
		res := c.Post("/settings/sla", url.Values{"name": {"Refunds"}, "type_id": {strconv.FormatInt(w.Types[1].ID, 10)},
			"first_response_minutes": {"30"}, "next_response_minutes": {""}, "resolution_minutes": {"240"}, "warn_percent": {"75"}})
		if res.Status != 303 {
			t.Fatalf("add: %d %s", res.Status, flashOf(res))
		}
		var list []beseda.SLAPolicy
		w.Owner.MustDo("GET", "/api/v1/settings/sla-policies", nil, 200, &list)
		if len(list) != 1 || list[0].TypeID == nil || *list[0].TypeID != w.Types[1].ID || list[0].FirstResponseMinutes != 30 ||
			list[0].NextResponseMinutes != 0 || list[0].WarnPercent != 75 {
			t.Fatalf("stored %+v", list)
		}
		page := string(c.Get("/settings/hours").Body)
		if !strings.Contains(page, `id="policy-`+strconv.FormatInt(list[0].ID, 10)+`"`) || !strings.Contains(page, `value="240"`) {
			t.Errorf("the policy is not shown")
		}
		res = c.Post("/settings/sla", url.Values{"name": {"Empty"}})
		if f := flashOf(res); !strings.Contains(f, "Set at least one target") {
			t.Errorf("a policy without targets: %s", f)
		}
		path := testkit.Path("/settings/sla/%d", list[0].ID)
		res = c.Post(path, url.Values{"action": {"save"}, "name": {"Any"}, "type_id": {""}, "first_response_minutes": {"15"}, "warn_percent": {"80"}})
		w.Owner.MustDo("GET", "/api/v1/settings/sla-policies", nil, 200, &list)
		if res.Status != 303 || list[0].TypeID != nil || list[0].FirstResponseMinutes != 15 || list[0].ResolutionMinutes != 0 {
			t.Fatalf("saved as the default: %d %+v", res.Status, list[0])
		}
		if res = c.Post(path, url.Values{"action": {"remove"}}); !strings.Contains(res.Header.Get("Location"), "remove=") {
			t.Fatalf("removing did not ask first: %s", res.Header.Get("Location"))
		}
		c.Post(path, url.Values{"action": {"remove"}, "confirmed": {"1"}})
		w.Owner.MustDo("GET", "/api/v1/settings/sla-policies", nil, 200, &list)
		if len(list) != 0 {
			t.Fatalf("not removed: %+v", list)
		}
	})
}
