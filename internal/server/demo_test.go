package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestDemo_SeedIsAllOrNothing: the demo's seed is one transaction. When a
// step of it fails (here the last message, refused by the database),
// nothing of the demo is stored, and the next start seeds it whole — with
// the web chat's session limit at 2 a minute, which is the visitors', not
// the seed's. The demo has saved replies.
func TestDemo_SeedIsAllOrNothing(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		db, err := store.Open(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		cure := testkit.Poison(t, db, "demo_last_step", "INSERT", "messages", "NEW.text LIKE 'The webhook answers 500%'")
		_, err = server.New(ctx, server.Config{DB: dbURL, Demo: true, SecretKeys: testkit.TestSecretKey, DataDir: t.TempDir(),
			BcryptCost: bcrypt.MinCost, Clock: testkit.NewClock(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err == nil || !strings.HasPrefix(err.Error(), "seed demo: ") || !strings.Contains(err.Error(), "(nothing of the demo was stored)") {
			t.Fatalf("a failing seed: %v", err)
		}
		for _, table := range []string{"workspaces", "users", "channels", "subscribers", "messages", "dialogs", "tasks",
			"notifications", "saved_replies", "attachments", "dialog_reasons", "live_events"} {
			var n int
			if err := db.WriteDB().QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("a failed seed left %d rows in %s", n, table)
			}
		}

		cure()
		srv := testkit.StartServer(t, dbURL, testkit.Options{Demo: true, Configure: func(c *server.Config) { c.WidgetSessionsPerMinute = 2 }})
		owner := testkit.Login(t, srv.URL, app.DemoOwnerEmail, app.DemoPassword)
		var clients []beseda.Subscriber
		owner.MustDo("GET", "/api/v1/subscribers?limit=500", nil, 200, &clients)
		if len(clients) != 76 {
			t.Errorf("the demo has %d clients, want 76", len(clients))
		}
		var replies []beseda.SavedReply
		owner.MustDo("GET", "/api/v1/saved-replies", nil, 200, &replies)
		var names []string
		for _, r := range replies {
			names = append(names, r.Name)
		}
		if !slices.Equal(names, []string{"screenshot", "thanks", "update-soon"}) {
			t.Errorf("saved replies %v", names)
		}
		// The limit is back for visitors once the seed is done.
		key := testkit.WebChatKey(t, owner)
		from := netip.MustParseAddr("203.0.113.9")
		for i := range 3 {
			_, _, err := srv.App.WebChat.StartVisitor(ctx, key, "Visitor", "", from)
			if i < 2 && err != nil {
				t.Errorf("visitor %d: %v", i+1, err)
			}
			if i == 2 && beseda.ErrorCode(err) != beseda.EMANYATTEMPTS {
				t.Errorf("a third session in a minute at a limit of 2: %v", err)
			}
		}
	})
}
