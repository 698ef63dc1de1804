package web_test

import (
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/httpx"
	"github.com/beseda/beseda/internal/synth"
	"github.com/beseda/beseda/internal/testkit"
)

// BenchmarkConsolePages: the server's time to render the Chats page (the
// chat list with last messages, and one client's chat) and the Dialogs tab,
// with 100,000 dialogs of 10,000 clients stored, through the HTTP handler with
// a signed-in session.
//
//	go test ./web -run '^$' -bench ConsolePages -benchtime 300x
func BenchmarkConsolePages(b *testing.B) {
	for _, d := range testkit.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			srv := testkit.StartServer(b, testkit.NewMigratedDatabase(b, d), testkit.Options{Clock: beseda.SystemClock{}})
			w := testkit.NewWorld(b, srv, beseda.LocaleEN)
			ctx := context.Background()
			owner, _, err := srv.App.Users.Authenticate(ctx, w.Owner.Token, app.TokenAPI)
			if err != nil {
				b.Fatal(err)
			}
			spec, err := synth.Prepare(ctx, srv.App, owner)
			if err != nil {
				b.Fatal(err)
			}
			spec.Subscribers, spec.Dialogs, spec.ActiveShare, spec.MessagesPerSubscriber = 10_000, 100_000, 0.1, 6
			res, err := synth.Generate(ctx, srv.DB, spec)
			if err != nil {
				b.Fatal(err)
			}
			if err := srv.DB.Vacuum(ctx); err != nil {
				b.Fatal(err)
			}
			token, _, err := srv.App.Users.Login(ctx, owner.Email, testkit.TestPassword, app.TokenSession, netip.Addr{})
			if err != nil {
				b.Fatal(err)
			}
			get := func(path string) func(int) {
				return func(int) {
					r := httptest.NewRequest("GET", path, nil)
					r.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: token})
					rec := httptest.NewRecorder()
					srv.Handler.ServeHTTP(rec, r)
					if rec.Code != 200 {
						b.Fatalf("%s: %d", path, rec.Code)
					}
				}
			}
			chat := testkit.Path("/chats/%d", res.FirstSubscriberID+int64(res.Subscribers/2))
			b.Run("Chats", func(b *testing.B) { testkit.Timed(b, get("/chats")) })
			b.Run("Chat", func(b *testing.B) { testkit.Timed(b, get(chat)) })
			b.Run("DialogsTab", func(b *testing.B) { testkit.Timed(b, get("/dialogs")) })
			b.Run("DialogsTabMine", func(b *testing.B) { testkit.Timed(b, get("/dialogs?mine=1")) })
		})
	}
}

// TestStaticBudget keeps the JavaScript and CSS the console sends (the
// console's and the web chat widget's) under 100 KB, uncompressed.
func TestStaticBudget(t *testing.T) {
	t.Parallel()
	root, err := testkit.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, dir := range []string{"web/static", "channel/webchat/static"} {
		err := fs.WalkDir(os.DirFS(filepath.Join(root, dir)), ".", func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !(strings.HasSuffix(path, ".js") || strings.HasSuffix(path, ".css")) {
				return err
			}
			info, err := e.Info()
			if err == nil {
				total += int(info.Size())
				t.Logf("%s/%s: %d bytes", dir, path, info.Size())
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("JavaScript and CSS: %d bytes in all", total)
	if total > 100<<10 {
		t.Errorf("the console sends %d bytes of JavaScript and CSS; the budget is 100 KB", total)
	}
}
