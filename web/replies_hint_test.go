package web_test

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestConsoleSlashWithoutSavedRepliesHints: "/" in a composer of a workspace
// without saved replies says there are none — and, to those who may add
// them, where; a name nothing matches says so; the hint takes no keys but
// Escape, so Enter still sends.
func TestConsoleSlashWithoutSavedRepliesHints(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	v := w.NewVisitor("Anna")
	v.Say("Hi")
	chat := srv.URL + testkit.Path("/chats/%d", v.SubscriberID)
	email := func(c *testkit.Client) string {
		var me beseda.User
		c.MustDo("GET", "/api/v1/me", nil, http.StatusOK, &me)
		return me.Email
	}

	owner := testkit.Browser(t)
	signIn(t, owner, srv.URL, email(w.Owner), testkit.TestPassword)
	do(t, owner, "type / with no saved replies",
		chromedp.Navigate(chat),
		chromedp.WaitVisible(`#composer textarea`),
		chromedp.SendKeys(`#composer textarea`, "/"),
		chromedp.WaitVisible(`#reply-menu`),
	)
	if got := eval[string](t, owner, `document.getElementById("reply-menu").textContent`); got != "No saved replies yet.Add them in Settings" {
		t.Errorf("the hint says %q", got)
	}
	if got := eval[string](t, owner, `document.querySelector("#reply-menu a").getAttribute("href")`); got != "/settings/saved-replies" {
		t.Errorf("the hint links to %q", got)
	}
	do(t, owner, "Escape closes the hint", testkit.Press("Escape"), chromedp.WaitNotPresent(`#reply-menu`))

	manager := testkit.Browser(t)
	signIn(t, manager, srv.URL, email(w.Manager), testkit.TestPassword)
	do(t, manager, "type / as a manager who cannot add replies",
		chromedp.Navigate(chat),
		chromedp.WaitVisible(`#composer textarea`),
		chromedp.SendKeys(`#composer textarea`, "/"),
		chromedp.WaitVisible(`#reply-menu`),
	)
	if got := eval[string](t, manager, `document.getElementById("reply-menu").textContent`); got != "No saved replies yet." {
		t.Errorf("the manager's hint says %q", got)
	}

	w.Owner.MustDo("POST", "/api/v1/saved-replies", map[string]string{"name": "greeting", "text": "Hello!"}, http.StatusCreated, nil)
	// The "/" typed above is kept as the chat's draft; start from an empty composer.
	eval[any](t, owner, `localStorage.clear()`)
	do(t, owner, "a name nothing matches",
		chromedp.Navigate(chat),
		chromedp.WaitVisible(`#composer textarea`),
		chromedp.SendKeys(`#composer textarea`, "/zzz"),
		chromedp.WaitVisible(`#reply-menu`),
	)
	if got := eval[string](t, owner, `document.getElementById("reply-menu").textContent`); got != "No saved reply has that name." {
		t.Errorf("no match says %q", got)
	}
	do(t, owner, "Enter still sends",
		testkit.Press("Enter"),
		chromedp.WaitVisible(`//li[contains(@class,"out") and contains(., "/zzz")]`),
	)
}
