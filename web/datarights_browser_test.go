package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestAudit_BrowserLogPage: in a browser, an owner's sign-in and a change
// made through the API show on Settings → Audit log with who, what, the
// address and the change; the action filter narrows the rows; the CSV link
// downloads the same entries; a manager without audit.read is refused.
func TestAudit_BrowserLogPage(t *testing.T) {
	srv := testkit.StartServer(t, testkit.NewDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, http.StatusOK, &me)
	w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Billing"}, http.StatusCreated, nil)
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, me.Email, testkit.TestPassword)
	do(t, ctx, "open the audit log",
		chromedp.Navigate(srv.URL+"/settings/audit"),
		chromedp.WaitVisible(`#audit-rows`),
	)
	text := eval[string](t, ctx, `document.getElementById("audit-rows").innerText`)
	for _, want := range []string{"Signed in", "in the console", "Settings changed", "Billing", "127.0.0.1", "Olga Owner"} {
		if !strings.Contains(text, want) {
			t.Errorf("the log does not show %q:\n%s", want, text)
		}
	}
	do(t, ctx, "filter by action",
		chromedp.SetValue(`#action`, string(beseda.AuditSettingsChanged)),
		// The page before has rows too: mark it, and wait for rows of an
		// unmarked one.
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.before = "1"`),
		chromedp.Click(`#audit-filters button[type=submit]`),
		chromedp.WaitVisible(`body:not([data-before]) #audit-rows tr[data-action]`),
	)
	actions := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#audit-rows tr[data-action]")).map(r => r.dataset.action)`)
	if len(actions) != 1 || actions[0] != string(beseda.AuditSettingsChanged) {
		t.Fatalf("filtered rows %v", actions)
	}
	href := eval[string](t, ctx, `document.getElementById("audit-csv").getAttribute("href")`)
	csv := w.Owner.MustDo("GET", href, nil, http.StatusOK, nil)
	if lines := strings.Split(strings.TrimSpace(string(csv.Body)), "\n"); len(lines) != 2 || !strings.Contains(lines[1], "Billing") {
		t.Errorf("the CSV link %s gave %q", href, csv.Body)
	}
	page := testkit.ConsoleLogin(t, srv.URL, "manager-"+strings.TrimPrefix(me.Email, "owner-"), testkit.TestPassword).Get("/settings/audit")
	if page.Status != http.StatusForbidden {
		t.Errorf("a manager without audit.read got %d", page.Status)
	}
}

// TestDataRights_BrowserExportAndErase: in a browser, an owner downloads a
// client's data from the chat's menu, erases the client after ticking the
// box, and sees the chat empty and nameless; Settings → Clients' data saves
// a retention policy.
func TestDataRights_BrowserExportAndErase(t *testing.T) {
	srv := testkit.StartServer(t, testkit.NewDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, http.StatusOK, &me)
	v := w.NewVisitor("Anna Leaving")
	v.Say("please forget me")
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, me.Email, testkit.TestPassword)
	do(t, ctx, "open the client's chat and its data menu",
		chromedp.Navigate(srv.URL+testkit.Path("/chats/%d", v.SubscriberID)),
		chromedp.WaitVisible(`#client-data-toggle`),
		chromedp.Click(`#client-data-toggle`),
		chromedp.WaitVisible(`#client-export`),
	)
	href := eval[string](t, ctx, `document.getElementById("client-export").getAttribute("href")`)
	zip := w.Owner.MustDo("GET", href, nil, http.StatusOK, nil)
	if zip.Header.Get("Content-Type") != "application/zip" || !strings.Contains(string(zip.Body), "messages.json") {
		t.Fatalf("the export link %s gave %s", href, zip.Header.Get("Content-Type"))
	}
	// The box must be ticked: the browser refuses the form without it.
	do(t, ctx, "erase without ticking the box",
		chromedp.Click(`#client-erase-submit`),
	)
	if n := len(w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID), nil, 200, nil).Body); n < 10 {
		t.Fatal("the client was erased without the box ticked")
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#chat-messages .msg").length`); n != 1 {
		t.Fatalf("before the erasure the chat shows %d messages", n)
	}
	do(t, ctx, "tick the box and erase",
		chromedp.Click(`#client-erase-confirm`),
		chromedp.Click(`#client-erase-submit`),
		chromedp.WaitVisible(`.notice`),
	)
	notice := eval[string](t, ctx, `document.querySelector(".notice").innerText`)
	if !strings.Contains(notice, "1 message") {
		t.Errorf("the notice says %q", notice)
	}
	name := eval[string](t, ctx, `document.getElementById("chat-name").innerText`)
	msgs := eval[int](t, ctx, `document.querySelectorAll("#chat-messages .msg").length`)
	if strings.Contains(name, "Anna") || msgs != 0 {
		t.Errorf("after the erasure the chat shows %q with %d messages", name, msgs)
	}

	do(t, ctx, "save a retention policy",
		chromedp.Navigate(srv.URL+"/settings/data"),
		chromedp.WaitVisible(`#retention`),
		chromedp.SetValue(`#messages_days`, "365"),
		chromedp.SetValue(`#files_days`, "30"),
		chromedp.SetValue(`#dialogs_days`, "730"),
		chromedp.Click(`#retention button[type=submit]`),
		chromedp.WaitVisible(`.notice`),
	)
	var p beseda.Retention
	w.Owner.MustDo("GET", "/api/v1/settings/retention", nil, http.StatusOK, &p)
	if p.MessagesDays == nil || *p.MessagesDays != 365 || p.FilesDays == nil || *p.FilesDays != 30 || p.DialogsDays == nil ||
		*p.DialogsDays != 730 {
		t.Errorf("saved %+v", p)
	}
}
