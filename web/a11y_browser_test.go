package web_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestConsoleAccessibility runs axe-core on every screen of the console and
// the web chat — with their panels and menus open — at 1280 and 390 px, in
// English and in Russian, and wants no serious or critical violation
// (contrast, names of controls and links, labels, landmarks, ARIA).
func TestConsoleAccessibility(t *testing.T) {
	t.Parallel()
	// A demo per language: the console speaks its owner's language, so each
	// language has an owner, and a server, of its own, and every part below
	// runs beside the others.
	for _, lang := range []string{"en", "ru"} {
		srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{Demo: true})
		owner := testkit.Login(t, srv.URL, app.DemoOwnerEmail, app.DemoPassword)
		owner.MustDo("PATCH", "/api/v1/me", map[string]string{"locale": lang}, 200, nil)
		ids := findDemo(t, owner)
		key := testkit.WebChatKey(t, owner)
		owner.MustDo("POST", "/api/v1/saved-replies", map[string]string{"name": "greeting", "text": "Hello! How can I help?"}, 201, nil)

		type screen struct {
			name, path string
			steps      []chromedp.Action[chromedp.Void] // what opens a panel or a menu
		}
		screens := []screen{{name: "login", path: "/login"}}
		for _, sc := range consoleScreens(ids, key) {
			screens = append(screens, screen{name: sc.name, path: sc.path})
		}
		screens = append(screens,
			screen{"dialogs-menu", testkit.Path("/chats/%d", ids.anna), []chromedp.Action[chromedp.Void]{
				chromedp.Click(`#dialogs-toggle`), chromedp.WaitVisible(`#create-blocked-why`)}},
			screen{"create-dialog", testkit.Path("/chats/%d", ids.dana), []chromedp.Action[chromedp.Void]{
				chromedp.Click(`#dialogs-toggle`), chromedp.Click(`#create-toggle`), chromedp.WaitVisible(`#dialog-title`)}},
			screen{"dialog-paused", testkit.Path("/dialogs/%d", ids.paused), nil},
			screen{"saved-reply-menu", testkit.Path("/dialogs/%d", ids.active), []chromedp.Action[chromedp.Void]{
				chromedp.SendKeys(`#composer textarea`, "/"), chromedp.WaitVisible(`#reply-menu`)}},
			screen{"settings-integrations", "/settings/integrations", nil},
			screen{"widget-chat", "/widget/" + key, []chromedp.Action[chromedp.Void]{
				chromedp.WaitVisible(`#visitor-name`), chromedp.SendKeys(`#visitor-name`, "Erik"), chromedp.Click(`#start button`),
				chromedp.WaitVisible(`#text`), chromedp.SendKeys(`#text`, "Hello"), chromedp.Click(`#composer button`),
				chromedp.WaitVisible(`#messages li`)}},
		)

		// A browser per language, width and handful of screens: each page is
		// a few steps of its own, and no browser carries many pages.
		const perBrowser = 6
		for _, width := range []int64{1280, 390} {
			for from := 0; from < len(screens); from += perBrowser {
				part := screens[from:min(from+perBrowser, len(screens))]
				t.Run(fmt.Sprintf("%s-%d-%s", lang, width, part[0].name), func(t *testing.T) {
					t.Parallel()
					ctx := testkit.Browser(t)
					do(t, ctx, "speak "+lang, testkit.Language(lang), chromedp.EmulateViewport(width, 860))
					if part[0].name != "login" {
						signIn(t, ctx, srv.URL, app.DemoOwnerEmail, app.DemoPassword)
					}
					for _, sc := range part {
						if sc.name == "chats" && from == 0 {
							signIn(t, ctx, srv.URL, app.DemoOwnerEmail, app.DemoPassword)
						}
						do(t, ctx, "open "+sc.name, append([]chromedp.Action[chromedp.Void]{
							chromedp.Navigate(srv.URL + sc.path), chromedp.WaitVisible(chromedp.CSS("body"))}, sc.steps...)...)
						found := testkit.Run(t, ctx, "axe on "+sc.name, testkit.Axe())
						for _, v := range found {
							t.Errorf("%s (%s, %d px): %s", sc.name, lang, width, v)
						}
					}
				})
			}
		}
	}
}
