package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakewhatsapp"
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
	// Routing and SLA as a team that uses them sees the console: two chats
	// are the owner's, and dialogs started from now have targets.
	var me beseda.User
	owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
	for _, sub := range []int64{ids.anna, ids.chen} {
		owner.MustDo("PATCH", testkit.Path("/api/v1/subscribers/%d", sub), map[string]any{"assignee_id": me.ID}, 200, nil)
	}
	owner.MustDo("POST", "/api/v1/settings/sla-policies", map[string]any{"name": "Default",
		"first_response_minutes": 60, "resolution_minutes": 480}, 201, nil)
	var boris []beseda.Subscriber
	owner.MustDo("GET", "/api/v1/subscribers?q=Boris", nil, 200, &boris)
	var types []beseda.CatalogItem
	owner.MustDo("GET", "/api/v1/settings/dialog-types", nil, 200, &types)
	var slaDialog beseda.Dialog
	owner.MustDo("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": boris[0].ID, "title": "Delays between funnel steps",
		"type_id": types[0].ID}, 201, &slaDialog)
	screens := consoleScreens(ids, channels[0].Key)
	screens = append(screens,
		struct{ name, path string }{"dialog-confirm-paused", testkit.Path("/dialogs/%d?confirm=paused", ids.active)},
		struct{ name, path string }{"dialog-paused", testkit.Path("/dialogs/%d", ids.paused)},
		struct{ name, path string }{"saved-reply-menu", testkit.Path("/dialogs/%d", ids.active)},
		struct{ name, path string }{"chat-dialogs-menu", testkit.Path("/chats/%d", ids.chen)},
		struct{ name, path string }{"widget-chat", "/widget/" + channels[0].Key},
		struct{ name, path string }{"chats-mine", "/chats?assignee=me"},
		struct{ name, path string }{"dialog-sla", testkit.Path("/dialogs/%d", slaDialog.ID)},
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
	whatsAppScreenshots(t, dir)
}

// whatsAppScreenshots: a WhatsApp client's chat while its window is open,
// and a day later, closed, with the template picker. A server of its own on
// the test clock, with the fake Cloud API serving three templates.
func whatsAppScreenshots(t *testing.T, dir string) {
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
	_, ch := addWhatsApp(t, w,
		fakewhatsapp.Template{Name: "order_update", Language: "en_US", Category: "UTILITY", Status: "APPROVED",
			Body: "Hello {{1}}, your order {{2}} is on its way."},
		fakewhatsapp.Template{Name: "follow_up", Language: "en_US", Category: "UTILITY", Status: "APPROVED",
			Body: "We have news about your question. Reply to this message to continue."},
		fakewhatsapp.Template{Name: "rating_request", Language: "en_US", Category: "UTILITY", Status: "APPROVED",
			Body: "How did we do?", QuickReplies: []string{"Bad", "OK", "Great"}})
	body := fakewhatsapp.TextMessage(waPhone, waClient, "Greta Hansen", "wamid.1", "Hi, where is my order A-17? It was due on Friday.")
	if res := w.Webhook(ch.WebhookURL, body, map[string]string{"X-Hub-Signature-256": fakewhatsapp.Sign(body, waSecret)}); res.Status != 200 {
		t.Fatalf("webhook: %d", res.Status)
	}
	sub := w.SubscriberOf("whatsapp")
	srv.Clock.Advance(72 * time.Minute)
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, me.Email, testkit.TestPassword)
	shoot := func(name, path, wait string) {
		for _, width := range []int64{1280, 390} {
			testkit.Do(t, ctx, name, chromedp.EmulateViewport(width, 860), chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(wait),
				chromedp.ScrollIntoView(wait))
			png := testkit.Run(t, ctx, "screenshot "+name, chromedp.CaptureScreenshot())
			file := filepath.Join(dir, name+"-"+map[int64]string{1280: "desktop", 390: "phone"}[width]+".png")
			if err := os.WriteFile(file, png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	chat := testkit.Path("/chats/%d", sub.ID)
	shoot("chat-window-open", chat, `#window-notice`)
	shoot("settings-rating-template", "/settings/standard-messages", `#rating-template`)
	srv.Clock.Advance(24 * time.Hour)
	shoot("chat-template-picker", chat, `#template-form`)
	dialog := w.CreateDialog(sub.ID, "Order A-17 is late") // the chat is locked from now on (W2)
	shoot("dialog-template-picker", testkit.Path("/dialogs/%d", dialog.ID), `#template-form`)
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
