package main

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
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

// TestMessagesAreSearchable: every message beseda-synth writes is found by
// search, by its longest word, on both databases; on PostgreSQL the messages'
// search index, dropped for the bulk load, is there again afterwards.
func TestMessagesAreSearchable(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		if err := run(dbURL, 3, 3, 0.01, 4, 12, "owner@synth.test", "demo"); err != nil {
			t.Fatal(err)
		}
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		if srv.DB.Dialect() == store.Postgres {
			var n int
			if err := srv.DB.WriteDB().QueryRow(`SELECT count(*) FROM pg_indexes WHERE indexname = 'messages_search'
				AND indexdef LIKE '%USING gin (search_tsv)'`).Scan(&n); err != nil || n != 1 {
				t.Fatalf("messages_search: %d, %v", n, err)
			}
		}
		rows, err := srv.DB.WriteDB().Query(`SELECT id, text FROM messages`)
		if err != nil {
			t.Fatal(err)
		}
		texts := map[int64]string{}
		for rows.Next() {
			var id int64
			var text string
			if err := rows.Scan(&id, &text); err != nil {
				t.Fatal(err)
			}
			texts[id] = text
		}
		if err := rows.Err(); err != nil || len(texts) != 12 {
			t.Fatalf("%d messages, want 12: %v", len(texts), err)
		}
		owner := testkit.Login(t, srv.URL, "owner@synth.test", "demo")
		for id, text := range texts {
			word := ""
			for _, w := range strings.Fields(text) {
				w = strings.Trim(w, ".,!?;:«»\"")
				if utf8.RuneCountInString(w) > utf8.RuneCountInString(word) {
					word = w
				}
			}
			var page beseda.SearchPage
			owner.MustDo("GET", "/api/v1/search?"+url.Values{"q": {word}, "kind": {"message"}}.Encode(), nil, 200, &page)
			if !slices.ContainsFunc(page.Items, func(h beseda.SearchHit) bool { return h.ID == id }) {
				t.Errorf("message %d (%q) not found by %q", id, text, word)
			}
		}
	})
}
