package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestScreenshots writes PNGs of every console screen, at 1280 and 390 px
// wide, to the directory in BESEDA_SCREENSHOTS (`make screenshots` sets it
// to docs/screenshots). It runs the demo and signs in as its owner.
func TestScreenshots(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("BESEDA_SCREENSHOTS")
	if dir == "" {
		t.Skip("set BESEDA_SCREENSHOTS=DIR (or run make screenshots)")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{Demo: true, Clock: beseda.SystemClock{}})
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, app.DemoOwnerEmail, app.DemoPassword)
	var channels []struct{ Key string }
	owner := testkit.Login(t, srv.URL, app.DemoOwnerEmail, app.DemoPassword)
	owner.MustDo("GET", "/api/v1/channels", nil, 200, &channels)
	ids := findDemo(t, owner)
	owner.MustDo("POST", "/api/v1/saved-replies", map[string]string{"name": "refund-time", "text": "Refunds take 3–5 business days to reach your card."}, 201, nil)
	owner.MustDo("POST", "/api/v1/saved-replies", map[string]string{"name": "greeting", "text": "Hello! Thank you for writing to us. How can I help?"}, 201, nil)
	owner.MustDo("POST", "/api/v1/saved-replies", map[string]string{"name": "lead-form-check", "text": "Please send me the address of the page with the form, and I will check its settings."}, 201, nil)
	// Settings → Channels with a bot and a page beside the web chat (added
	// through the API with all their settings, so nothing calls out).
	owner.MustDo("POST", "/api/v1/channels", map[string]any{"kind": "telegram", "name": "Acme support bot", "config": map[string]string{
		"bot_token": "123456:SCREENSHOT-token_abcdefghijkl", "webhook_secret": "screenshot-secret"}}, 201, nil)
	owner.MustDo("POST", "/api/v1/channels", map[string]any{"kind": "messenger", "name": "Acme on Facebook", "config": map[string]string{
		"page_id": "1122334455", "page_access_token": "EAAG-screenshot", "app_secret": "screenshot-app-secret"}}, 201, nil)
	screens := consoleScreens(ids, channels[0].Key)
	screens = append(screens,
		struct{ name, path string }{"dialog-confirm-paused", testkit.Path("/dialogs/%d?confirm=paused", ids.active)},
		struct{ name, path string }{"dialog-paused", testkit.Path("/dialogs/%d", ids.paused)},
		struct{ name, path string }{"saved-reply-menu", testkit.Path("/dialogs/%d", ids.active)},
		struct{ name, path string }{"chat-dialogs-menu", testkit.Path("/chats/%d", ids.chen)},
		struct{ name, path string }{"widget-chat", "/widget/" + channels[0].Key},
	)
	for _, width := range []int64{1280, 390} {
		for _, s := range screens {
			steps := []chromedp.Action[chromedp.Void]{
				chromedp.EmulateViewport(width, 860),
				chromedp.Navigate(srv.URL + s.path),
				chromedp.WaitVisible("body"),
			}
			switch s.name {
			case "chat-create-dialog":
				steps = append(steps, chromedp.Click(`#dialogs-toggle`), chromedp.Click(`#create-toggle`), chromedp.WaitVisible(chromedp.ID("create-dialog")))
			case "chat-dialogs-menu":
				steps = append(steps, chromedp.Click(`#dialogs-toggle`), chromedp.WaitVisible(chromedp.ID("client-dialogs")))
			case "saved-reply-menu":
				steps = append(steps, chromedp.SendKeys(`#composer textarea`, "/"), chromedp.WaitVisible(`#reply-menu`))
			case "widget":
				// A new visitor: the name form.
				steps = append(steps, chromedp.Evaluate[chromedp.Void](`localStorage.clear()`), chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("visitor-name")))
			case "widget-chat":
				steps = append(steps, chromedp.WaitVisible(chromedp.ID("visitor-name")),
					chromedp.SendKeys(chromedp.ID("visitor-name"), "Erik"), chromedp.Click(`#start button`),
					chromedp.WaitVisible(chromedp.ID("text")), chromedp.SendKeys(chromedp.ID("text"), "Hi, I cannot log in to my account."),
					chromedp.Click(`#composer button`), chromedp.WaitVisible(`#messages li`))
			}
			testkit.Do(t, ctx, s.name, steps...)
			if s.name == "widget-chat" {
				// The manager answers; the widget shows it live.
				var subs []beseda.Subscriber
				owner.MustDo("GET", "/api/v1/subscribers?q=Erik", nil, 200, &subs)
				owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", subs[0].ID), map[string]string{"text": "Hi Erik! Which email do you sign in with?"}, 201, nil)
				testkit.Do(t, ctx, "the answer shows", chromedp.WaitVisible(`#messages li.out`))
			}
			// Chats, dialogs and the widget scroll inside their own boxes:
			// what a person sees is the viewport. Other pages: all of it.
			shot := chromedp.FullScreenshot(100)
			if strings.HasPrefix(s.name, "chat") || strings.HasPrefix(s.name, "dialog-") || s.name == "dialog" ||
				strings.HasPrefix(s.name, "saved-reply") || strings.HasPrefix(s.name, "widget") {
				shot = chromedp.CaptureScreenshot()
			}
			png := testkit.Run(t, ctx, "screenshot "+s.name, shot)
			name := filepath.Join(dir, s.name+"-"+map[int64]string{1280: "desktop", 390: "phone"}[width]+".png")
			if err := os.WriteFile(name, png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// signIn signs in through the sign-in page.
func signIn(t *testing.T, ctx context.Context, base, email, password string) {
	t.Helper()
	testkit.Do(t, ctx, "sign in as "+email,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(`form button[type=submit]`),
		chromedp.WaitVisible(`header.top`),
	)
}
