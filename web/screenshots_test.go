package web_test

import (
	"context"
	"os"
	"path/filepath"
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
	dir := os.Getenv("BESEDA_SCREENSHOTS")
	if dir == "" {
		t.Skip("set BESEDA_SCREENSHOTS=DIR (or run make screenshots)")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	srv := testkit.StartServer(t, testkit.NewDatabase(t, store.SQLite), testkit.Options{Demo: true, Clock: beseda.SystemClock{}})
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, app.DemoOwnerEmail, app.DemoPassword)
	var channels []struct{ Key string }
	owner := testkit.Login(t, srv.URL, app.DemoOwnerEmail, app.DemoPassword)
	owner.MustDo("GET", "/api/v1/channels", nil, 200, &channels)
	screens := []struct{ name, path string }{
		{"chats", "/chats"},
		{"chat", "/chats/1"},
		{"chat-create-dialog", "/chats/4#create"},
		{"dialog", "/dialogs/2"},
		{"dialog-completed", "/dialogs/1"},
		{"dialogs-tab", "/dialogs"},
		{"notifications", "/notifications"},
		{"report", "/report"},
		{"settings-dialogs", "/settings/dialogs"},
		{"settings-standard-messages", "/settings/standard-messages"},
		{"settings-users", "/settings/users"},
		{"widget", "/widget/" + channels[0].Key},
	}
	for _, width := range []int64{1280, 390} {
		for _, s := range screens {
			steps := []chromedp.Action[chromedp.Void]{
				chromedp.EmulateViewport(width, 860),
				chromedp.Navigate(srv.URL + s.path),
				chromedp.WaitVisible("body"),
			}
			if s.name == "chat-create-dialog" {
				steps = append(steps, chromedp.Click(`details.create-dialog summary`), chromedp.WaitVisible(chromedp.ID("create-dialog")))
			}
			if err := chromedp.Do(ctx, steps...); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
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
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(`form button[type=submit]`),
		chromedp.WaitVisible(`header.top`),
	)
	if err != nil {
		t.Fatalf("sign in as %s: %v", email, err)
	}
}
