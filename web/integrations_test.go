package web_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// integrationsServer is a demo whose webhooks may reach a local receiver.
func integrationsServer(t *testing.T, clock beseda.Clock) *testkit.Server {
	return testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{Demo: true, Clock: clock,
		Configure: func(c *server.Config) { c.AllowPrivateWebhooks = true }})
}

// TestConsoleIntegrations: an owner adds a webhook in Settings →
// Integrations, sends a test event and sees its attempt with the status
// code; a refused form comes back without the secret; removing works; a
// manager without integrations.manage is refused; the page fits a phone.
func TestConsoleIntegrations(t *testing.T) {
	t.Parallel()
	srv := integrationsServer(t, nil)
	rc := testkit.NewReceiver(t, 503) // the test event's first attempt fails
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, app.DemoOwnerEmail, app.DemoPassword)
	do(t, ctx, "open Settings → Integrations from the settings tabs",
		chromedp.Navigate(srv.URL+"/settings/dialogs"),
		chromedp.Click(`nav.tabs a[href="/settings/integrations"]`),
		chromedp.WaitVisible(chromedp.ID("new-webhook")),
	)
	if !strings.Contains(eval[string](t, ctx, `document.body.innerText`), "No webhooks yet.") {
		t.Errorf("no empty state")
	}

	// Refused: not an http(s) address. The secret is not sent back.
	do(t, ctx, "add a webhook with a wrong address",
		chromedp.SendKeys(chromedp.ID("hook-url"), "ftp://example.com/x"),
		chromedp.SendKeys(chromedp.ID("hook-secret"), "the-secret-1"),
		chromedp.Click(`#new-webhook button[type=submit]`),
		chromedp.WaitVisible(`div.alert`),
	)
	if got := eval[string](t, ctx, `document.getElementById("hook-url").value + "|" + document.getElementById("hook-secret").value`); got != "ftp://example.com/x|" {
		t.Errorf("the refused form came back as %q", got)
	}
	do(t, ctx, "add a webhook for dialogs only",
		chromedp.SetValue(chromedp.ID("hook-url"), rc.URL+"/beseda/"+strings.Repeat("long-path-segment/", 8)),
		chromedp.SendKeys(chromedp.ID("hook-secret"), "the-secret-1"),
		chromedp.Click(`input[name=events][value="message.received"]`),
		chromedp.Click(`#new-webhook button[type=submit]`),
		chromedp.WaitVisible(`section.hook`),
	)
	text := eval[string](t, ctx, `document.querySelector("section.hook").innerText`)
	for _, want := range []string{rc.URL + "/beseda/", "Dialog created", "Client rated a dialog", "Nothing sent yet."} {
		if !strings.Contains(text, want) {
			t.Errorf("the webhook's card lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "A client wrote") {
		t.Errorf("an unticked event is subscribed:\n%s", text)
	}

	do(t, ctx, "send a test event", chromedp.Click(`button[name=action][value=test]`), chromedp.WaitVisible(`div.notice`))
	rc.WaitFor(1)                       // the 503…
	srv.Clock.Advance(10 * time.Second) // …and the retry, due within 10 s
	got := rc.WaitFor(2)
	mac := hmac.New(sha256.New, []byte("the-secret-1"))
	mac.Write(got[1].Body)
	if got[1].Header.Get("X-Beseda-Event") != "test" || got[1].Header.Get("X-Beseda-Signature") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
		t.Errorf("test event %v %s", got[1].Header, got[1].Body)
	}
	var rows string
	testkit.Eventually(t, 10*time.Second, "both attempts to show", func() bool {
		do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(`section.hook`))
		rows = eval[string](t, ctx, `Array.from(document.querySelectorAll("table.attempts tbody tr")).map(r => r.innerText).join("\n")`)
		return strings.Count(rows, "\n") >= 1 && strings.Contains(rows, "200")
	})
	if !strings.Contains(rows, "503") || !strings.Contains(rows, "delivered") || !strings.Contains(rows, "2 attempts") {
		t.Errorf("attempts shown:\n%s", rows)
	}

	// A phone: nothing scrolls sideways, the long address included.
	do(t, ctx, "phone width", chromedp.EmulateViewport(390, 860), chromedp.Reload(), chromedp.WaitVisible(`section.hook`))
	if o := testkit.Run(t, ctx, "measure", testkit.MeasureOverflow()); o.ScrollWidth > o.Viewport {
		t.Errorf("scrolls sideways at 390 px: %d; sticking out: %v", o.ScrollWidth, o.Offenders)
	}

	// In Russian at 1280 px, every label whole.
	testkit.Login(t, srv.URL, app.DemoOwnerEmail, app.DemoPassword).MustDo("PATCH", "/api/v1/me", map[string]string{"locale": "ru"}, 200, nil)
	do(t, ctx, "in Russian", chromedp.EmulateViewport(1280, 900), chromedp.Reload(), chromedp.WaitVisible(`section.hook`))
	if h := eval[string](t, ctx, `document.querySelector("h1").textContent`); h != "Интеграции" {
		t.Errorf("Russian heading %q", h)
	}
	if cut := testkit.Run(t, ctx, "find cut labels", testkit.TruncatedLabels(`nav a, .tabs a, button, label, th`)); len(cut) > 0 {
		t.Errorf("labels cut in Russian: %v", cut)
	}
	testkit.Login(t, srv.URL, app.DemoOwnerEmail, app.DemoPassword).MustDo("PATCH", "/api/v1/me", map[string]string{"locale": "en"}, 200, nil)

	do(t, ctx, "remove it, asked first", chromedp.Reload(), chromedp.WaitVisible(`section.hook`),
		chromedp.Click(`section.hook button[name=action][value=remove]`), chromedp.WaitVisible(chromedp.ID("confirm-remove")),
		chromedp.Click(chromedp.ID("confirm-remove-yes")), chromedp.WaitVisible(`div.notice`))
	if n := eval[int](t, ctx, `document.querySelectorAll("section.hook").length`); n != 0 {
		t.Errorf("%d webhooks after removal", n)
	}

	// The demo manager has no integrations.manage.
	manager := testkit.Browser(t)
	signIn(t, manager, srv.URL, app.DemoManagerEmail, app.DemoPassword)
	res := testkit.Run(t, manager, "open the integrations", chromedp.NavigateResponse(srv.URL+"/settings/integrations"))
	if res.Status != 403 {
		t.Errorf("a manager without the permission: status %d", res.Status)
	}
}

// TestScreenshotsIntegrations writes Settings → Integrations at 1280 and
// 390 px to BESEDA_SCREENSHOTS (see TestScreenshots), in both languages'
// default: the owner's, English.
func TestScreenshotsIntegrations(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("BESEDA_SCREENSHOTS")
	if dir == "" {
		t.Skip("set BESEDA_SCREENSHOTS=DIR (or run make screenshots)")
	}
	srv := integrationsServer(t, beseda.SystemClock{})
	rc := testkit.NewReceiver(t, 500)
	owner := testkit.Login(t, srv.URL, app.DemoOwnerEmail, app.DemoPassword)
	var hook struct{ ID int64 }
	owner.MustDo("POST", "/api/v1/webhooks", map[string]any{"url": rc.URL + "/crm/beseda-events",
		"events": beseda.WebhookEventTypes, "secret": "s"}, 201, &hook)
	owner.MustDo("POST", "/api/v1/webhooks", map[string]any{"url": rc.URL + "/warehouse/ratings",
		"events": []string{"dialog.client_rated"}, "secret": "s"}, 201, nil)
	owner.MustDo("POST", testkit.Path("/api/v1/webhooks/%d/test", hook.ID), nil, 202, nil)
	v := testkit.StartVisitor(t, srv.URL, testkit.WebChatKey(t, owner), "Erik")
	v.Say("Hi, I cannot log in.")
	rc.WaitFor(2) // the 500 and the client's message; the retry is in 5 s
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, app.DemoOwnerEmail, app.DemoPassword)
	for _, width := range []int64{1280, 390} {
		do(t, ctx, "open the page", chromedp.EmulateViewport(width, 860),
			chromedp.Navigate(srv.URL+"/settings/integrations"), chromedp.WaitVisible(`section.hook`))
		png := testkit.Run(t, ctx, "screenshot", chromedp.FullScreenshot(100))
		name := filepath.Join(dir, "settings-integrations-"+map[int64]string{1280: "desktop", 390: "phone"}[width]+".png")
		if err := os.WriteFile(name, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
