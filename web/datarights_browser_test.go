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
		chromedp.Click(`#audit-filters button[type=submit]`),
		chromedp.WaitVisible(`#audit-rows tr[data-action]`),
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
