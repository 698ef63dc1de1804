package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestT1_BrowserBusinessHoursAndSLA: in a browser, an owner sets Monday's
// hours and a default SLA target on Settings → Business hours and SLA, and
// the Dialogs tab then shows a new dialog's time left.
func TestT1_BrowserBusinessHoursAndSLA(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, http.StatusOK, &me)
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, me.Email, testkit.TestPassword)
	do(t, ctx, "open the settings",
		chromedp.Navigate(srv.URL+"/settings/hours"),
		chromedp.WaitVisible(`#business-hours`),
	)
	eval[bool](t, ctx, `(function(){
		var row = document.querySelector("table.periods tbody tr");
		row.querySelector("select[name=weekday]").value = "1";
		row.querySelector("input[name=start]").value = "09:00";
		row.querySelector("input[name=end]").value = "17:00";
		document.getElementById("time_zone").value = "Europe/Berlin";
		return true })()`)
	do(t, ctx, "save the hours",
		chromedp.Click(`#business-hours button[type=submit]`),
		chromedp.WaitVisible(`.notice`),
	)
	var h beseda.BusinessHours
	w.Owner.MustDo("GET", "/api/v1/settings/business-hours", nil, http.StatusOK, &h)
	if h.TimeZone != "Europe/Berlin" || len(h.Periods) != 1 || h.Periods[0] != (beseda.Period{Weekday: 1, Start: "09:00", End: "17:00"}) {
		t.Fatalf("saved %+v", h)
	}
	do(t, ctx, "add a default SLA target",
		chromedp.SendKeys(`#policy-new input[name=name]`, "Default"),
		chromedp.SendKeys(`#policy-new input[name=first_response_minutes]`, "60"),
		chromedp.Click(`#policy-new button[type=submit]`),
		chromedp.WaitVisible(`#sla tr[id^=policy-] input[value=Default]`),
	)
	// Monday 9 March 2026, 09:30 in Berlin: within the hours.
	srv.Clock.Set(time.Date(2026, 3, 9, 8, 30, 0, 0, time.UTC))
	w.CreateDialog(w.NewVisitor("Anna").SubscriberID, "Refund")
	do(t, ctx, "open the Dialogs tab sorted by time left",
		chromedp.Navigate(srv.URL+"/dialogs?sort=left"),
		chromedp.WaitVisible(`.sla`),
	)
	if got := eval[string](t, ctx, `document.querySelector(".sla").textContent`); !strings.Contains(got, "1 h 00 min left") {
		t.Errorf("the dialog's time left shows %q", got)
	}
}
