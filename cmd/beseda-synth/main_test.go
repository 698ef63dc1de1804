package main

import (
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestClientsOnly: --dialogs 0 with a given owner makes the clients that
// cmd/beseda-load needs, and that owner can sign in and see them.
func TestClientsOnly(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		if err := run(dbURL, 5, 0, 0.01, 0, 12, "owner@load.test", "demo"); err != nil {
			t.Fatal(err)
		}
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		owner := testkit.Login(t, srv.URL, "owner@load.test", "demo")
		var subs []beseda.Subscriber
		owner.MustDo("GET", "/api/v1/subscribers?limit=100", nil, 200, &subs)
		if len(subs) != 5 {
			t.Fatalf("%d clients, want 5", len(subs))
		}
		for _, s := range subs {
			if s.ActiveDialogID != nil {
				t.Errorf("client %d has an active dialog", s.ID)
			}
		}
		var dialogs []beseda.Dialog
		owner.MustDo("GET", "/api/v1/dialogs", nil, 200, &dialogs)
		if len(dialogs) != 0 {
			t.Errorf("%d dialogs, want none", len(dialogs))
		}
	})
}
