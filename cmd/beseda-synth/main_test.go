package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestClientsOnly: --dialogs 0 with a given owner makes the clients that
// cmd/beseda-load needs, and that owner can sign in and see them.
func TestClientsOnly(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		if err := run(dbURL, 5, 0, 0.01, 0, 12, "owner@load.test", "demo", false); err != nil {
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
		if err := run(dbURL, 3, 3, 0.01, 4, 12, "owner@synth.test", "demo", false); err != nil {
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

// TestSLAClocks: with --sla, every dialog gets the SLA clock the product
// would have kept for it (T2–T4): the stored figures are the clock's, the
// resolution is working time no longer than the dialog's real time, a
// paused or completed dialog's clock is stopped, and the SLA report sees
// all of them with some targets met and some missed.
func TestSLAClocks(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		if err := run(dbURL, 50, 400, 0.1, 0, 12, "owner@sla.test", "demo", true); err != nil {
			t.Fatal(err)
		}
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		rows, err := srv.DB.WriteDB().Query(`SELECT d.status, d.created_at, d.completed_at, s.clock, s.first_response_ms,
			s.resolution_ms, s.missed FROM dialogs d JOIN dialog_sla s ON s.dialog_id = d.id`)
		if err != nil {
			t.Fatal(err)
		}
		n, paused := 0, 0
		for rows.Next() {
			var status, raw string
			var created int64
			var completed, firstMS, resolvedMS sql.NullInt64
			var missed int
			if err := rows.Scan(&status, &created, &completed, &raw, &firstMS, &resolvedMS, &missed); err != nil {
				t.Fatal(err)
			}
			n++
			c, err := beseda.DecodeSLAClock(raw)
			if err != nil {
				t.Fatal(err)
			}
			if int(c.Missed) != missed || (c.FirstResponseWorked != nil) != firstMS.Valid ||
				(c.FirstResponseWorked != nil && c.FirstResponseWorked.Milliseconds() != firstMS.Int64) {
				t.Fatalf("%s dialog: columns %v %v %d, clock %s", status, firstMS, resolvedMS, missed, raw)
			}
			switch status {
			case "completed":
				if !resolvedMS.Valid || !completed.Valid || resolvedMS.Int64 > completed.Int64-created-c.Paused.Milliseconds() ||
					c.ActiveSince != nil {
					t.Fatalf("completed dialog %d–%v: clock %s", created, completed, raw)
				}
			case "paused":
				paused++
				if resolvedMS.Valid || c.ActiveSince != nil || c.PausedAt == nil {
					t.Fatalf("paused dialog: clock %s", raw)
				}
			default:
				if resolvedMS.Valid || c.ActiveSince == nil {
					t.Fatalf("active dialog: clock %s", raw)
				}
			}
		}
		if err := rows.Err(); err != nil || n != 400 || paused == 0 {
			t.Fatalf("%d clocks (%d paused), want 400: %v", n, paused, err)
		}
		owner := testkit.Login(t, srv.URL, "owner@sla.test", "demo")
		var rep beseda.SLAReport
		owner.MustDo("GET", "/api/v1/reports/sla", nil, 200, &rep)
		tot := rep.Totals
		if tot.Dialogs != 400 || tot.Attained == 0 || tot.Attained == 400 || tot.FirstResponses == 0 || tot.Resolutions == 0 ||
			len(rep.ByType) != 2 || len(rep.ByManager) != 5 {
			t.Fatalf("report %+v", rep)
		}
		// The sums the report reads were made for the bulk load as the
		// triggers make them one by one.
		f := beseda.ReportFilter{WorkspaceID: 2, Location: time.UTC}
		if err := srv.DB.WriteDB().QueryRow(`SELECT workspace_id FROM dialog_sla LIMIT 1`).Scan(&f.WorkspaceID); err != nil {
			t.Fatal(err)
		}
		rolled, ok, err := srv.DB.SLAReportRollup(context.Background(), f)
		if err != nil || !ok {
			t.Fatalf("from the sums: %v %v", ok, err)
		}
		scanned, err := srv.DB.SLAReportScan(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(rolled)
		want, _ := json.Marshal(scanned)
		if string(got) != string(want) {
			t.Fatalf("from the sums %s, from the dialogs %s", got, want)
		}
	})
}
