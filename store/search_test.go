package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestMigration30_SearchIndexNeverDisagreesAfterACrash: the search index of
// existing messages is built by migration 00030 in one transaction. A
// migration cut short mid-way (on PostgreSQL its session is killed while it
// waits between the messages' index and the dialogs'; on SQLite a statement
// after the messages' backfill fails) leaves no part of the index and every
// message as it was; the next start builds the whole index, and every
// message is found by its own word, and only it.
func TestMigration30_SearchIndexNeverDisagreesAfterACrash(t *testing.T) {
	t.Parallel()
	testkit.EachEmpty(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		raw, dialect := schemaAt(t, dbURL, 29) // every migration before 00030
		schemaVersion := func() (v int64) {
			t.Helper()
			if err := raw.QueryRowContext(ctx, `SELECT max(version_id) FROM goose_db_version`).Scan(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		before := schemaVersion()
		const n = 500
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := raw.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		exec(`INSERT INTO workspaces (id, name, created_at) VALUES (7, 'Old shop', 1)`)
		exec(`INSERT INTO channels (id, workspace_id, kind, name, key, config, created_at) VALUES (3, 7, 'web', 'Site', 'k3', '{}', 1)`)
		exec(`INSERT INTO subscribers (id, workspace_id, channel_id, external_id, name, name_key, created_at) VALUES (5, 7, 3, 'v5', 'Ёжиков', 'ёжиков', 1)`)
		var values []string
		for i := 1; i <= n; i++ {
			values = append(values, fmt.Sprintf("(%d, 7, 5, 3, 'in', 'client', 'Оплатил заказ номер z%d', 'sent', %d)", i, i, i))
		}
		exec(`INSERT INTO messages (id, workspace_id, subscriber_id, channel_id, direction, source, text, status, created_at) VALUES ` +
			strings.Join(values, ", "))

		// The crash.
		if dialect == store.Postgres {
			lock, err := raw.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := lock.ExecContext(ctx, `LOCK TABLE dialogs IN ACCESS SHARE MODE`); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				db, err := store.Open(ctx, dbURL)
				if err == nil {
					db.Close()
				}
				done <- err
			}()
			// The migration has indexed the messages and waits for dialogs.
			var pid int
			testkit.Eventually(t, 30*time.Second, "the migration waits for the dialogs table", func() bool {
				err := raw.QueryRowContext(ctx, `SELECT pid FROM pg_stat_activity
					WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%ALTER TABLE dialogs%'`).Scan(&pid)
				return err == nil
			})
			if _, err := raw.ExecContext(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
				t.Fatal(err)
			}
			if err := <-done; err == nil {
				t.Fatal("the migration went on after its session was killed")
			}
			lock.Rollback()
		} else {
			exec(`CREATE TABLE dialogs_fts (x INTEGER)`) // the migration's third table cannot be made
			if db, err := store.Open(ctx, dbURL); err == nil {
				db.Close()
				t.Fatal("the migration passed over its failed statement")
			}
			exec(`DROP TABLE dialogs_fts`)
		}
		if version := schemaVersion(); version != before {
			t.Fatalf("after the crash the schema is at %d, want %d", version, before)
		}
		var left int
		index := `SELECT count(*) FROM sqlite_master WHERE name LIKE '%_fts%'`
		if dialect == store.Postgres {
			index = `SELECT count(*) FROM information_schema.columns WHERE column_name = 'search_tsv'`
		}
		if err := raw.QueryRowContext(ctx, index).Scan(&left); err != nil || left != 0 {
			t.Fatalf("after the crash %d parts of the index are left (%v)", left, err)
		}
		var count int
		if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM messages`).Scan(&count); err != nil || count != n {
			t.Fatalf("after the crash %d messages of %d (%v)", count, n, err)
		}
		raw.Close()

		db, err := store.Open(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		find := func(q string) []int64 {
			t.Helper()
			sq, err := beseda.ParseSearchQuery(q)
			if err != nil {
				t.Fatal(err)
			}
			page, err := db.Search(ctx, beseda.SearchFilter{WorkspaceID: 7, Query: sq, Kind: beseda.SearchMessages,
				Order: beseda.SearchNewest, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, h := range page.Items {
				ids = append(ids, h.ID)
			}
			return ids
		}
		for i := 1; i <= n; i++ {
			if ids := find(fmt.Sprintf("оплата z%d", i)); len(ids) != 1 || ids[0] != int64(i) {
				t.Fatalf("message %d: its word finds %v", i, ids)
			}
		}
		// Written after the migration: indexed in its own transaction.
		err = db.Update(ctx, func(tx *store.Tx) error {
			return tx.Exec(ctx, `UPDATE messages SET text = 'refunded instead' WHERE id = 1`)
		})
		if err != nil {
			t.Fatal(err)
		}
		if ids := find("z1"); len(ids) != 0 {
			t.Errorf("the old text of message 1 is still found: %v", ids)
		}
		if ids := find("refund"); len(ids) != 1 || ids[0] != 1 {
			t.Errorf("the new text of message 1: %v", ids)
		}
		sq, _ := beseda.ParseSearchQuery("ежиков")
		page, err := db.Search(ctx, beseda.SearchFilter{WorkspaceID: 7, Query: sq, Kind: beseda.SearchSubscribers, Order: beseda.SearchNewest})
		if err != nil || len(page.Items) != 1 {
			t.Errorf("the existing client by name: %+v %v", page.Items, err)
		}
	})
}

// TestSearch_NewestFirstWhetherFewOrManyRowsMatch: newest first, a word that
// more rows hold than a page among the newest (PostgreSQL's recentRows) and
// a word few rows hold each come back newest first, page after page, every
// match once, on both databases.
func TestSearch_NewestFirstWhetherFewOrManyRowsMatch(t *testing.T) {
	t.Parallel()
	for _, d := range testkit.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := testkit.OpenDB(t, d)
			f := newFixture(t, db)
			ctx := context.Background()
			want := map[string][]int64{}
			err := db.Update(ctx, func(tx *store.Tx) error {
				for i := range 1100 + 30 {
					word := "pelicans"
					if i%40 == 7 {
						word = "walruses"
					}
					m := f.clientMessage(fmt.Sprintf("%s number %d", word, i))
					if err := tx.CreateMessage(ctx, m); err != nil {
						return err
					}
					want[word] = append([]int64{m.ID}, want[word]...) // newest first
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for word, ids := range want {
				q, err := beseda.ParseSearchQuery(map[string]string{"pelicans": "pelican", "walruses": "walrus"}[word])
				if err != nil {
					t.Fatal(err)
				}
				got := searchEveryPage(t, db, beseda.SearchFilter{WorkspaceID: f.ws.ID, Query: q, Kind: beseda.SearchMessages, Limit: 100})
				if fmt.Sprint(got) != fmt.Sprint(ids) {
					t.Errorf("%s: %d hits, want %d newest first; first %v", word, len(got), len(ids), got[:min(5, len(got))])
				}
			}
		})
	}
}

// TestSearch_NewestFirstBeyondTheRecentRows: on PostgreSQL a page is first
// looked for among the newest rows (5,000) below the cursor; words whose
// matches lie only before them, or that they hold fewer of than a page,
// still come back whole and newest first, page after page, on both
// databases.
func TestSearch_NewestFirstBeyondTheRecentRows(t *testing.T) {
	t.Parallel()
	for _, d := range testkit.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := testkit.OpenDB(t, d)
			f := newFixture(t, db)
			ctx := context.Background()
			want := map[string][]int64{}
			err := db.Update(ctx, func(tx *store.Tx) error {
				for i := range 5300 {
					words := "herons"
					if i < 30 {
						words = "ospreys" // only the oldest
					}
					if i%1000 == 999 {
						words += " egrets" // six, five of them among the newest 5,000
					}
					m := f.clientMessage(fmt.Sprintf("%s number %d", words, i))
					if err := tx.CreateMessage(ctx, m); err != nil {
						return err
					}
					for _, w := range strings.Fields(words) {
						if w != "herons" {
							want[w] = append([]int64{m.ID}, want[w]...) // newest first
						}
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for word, ids := range want {
				q, err := beseda.ParseSearchQuery(word)
				if err != nil {
					t.Fatal(err)
				}
				got := searchEveryPage(t, db, beseda.SearchFilter{WorkspaceID: f.ws.ID, Query: q, Kind: beseda.SearchMessages, Limit: 4})
				if fmt.Sprint(got) != fmt.Sprint(ids) {
					t.Errorf("%s: %v, want %v", word, got, ids)
				}
			}
		})
	}
}

// TestSearch_TitlesAreIndexedAgainOnlyWhenTheyChange: a dialog's status
// change writes its row with the same title, and the title's search row is
// left alone (on SQLite it was deleted and written again inside the single
// writer's turn: one more segment of the FTS table per change); a renamed
// dialog is found by its new title only. Both databases.
func TestSearch_TitlesAreIndexedAgainOnlyWhenTheyChange(t *testing.T) {
	t.Parallel()
	for _, d := range testkit.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := testkit.OpenDB(t, d)
			f := newFixture(t, db)
			ctx := context.Background()
			dl := f.dialog(beseda.DialogActive)
			dl.Title = "walruses everywhere"
			if err := db.Update(ctx, func(tx *store.Tx) error { return tx.CreateDialog(ctx, dl) }); err != nil {
				t.Fatal(err)
			}
			segments := func() int {
				if d != store.SQLite {
					return 0
				}
				var n int
				if err := db.WriteDB().QueryRow(`SELECT count(*) FROM dialogs_fts_data`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			found := func(word string) bool {
				q, err := beseda.ParseSearchQuery(word)
				if err != nil {
					t.Fatal(err)
				}
				page, err := db.Search(ctx, beseda.SearchFilter{WorkspaceID: f.ws.ID, Query: q, Kind: beseda.SearchDialogs, Limit: 10})
				if err != nil {
					t.Fatal(err)
				}
				return len(page.Items) == 1 && page.Items[0].ID == dl.ID
			}
			save := func() {
				if err := db.Update(ctx, func(tx *store.Tx) error { return tx.SaveDialog(ctx, dl) }); err != nil {
					t.Fatal(err)
				}
			}
			found("walrus") // indexes the new title (SQLite's batch)
			before := segments()
			for _, s := range []beseda.DialogStatus{beseda.DialogPaused, beseda.DialogActive, beseda.DialogPaused} {
				dl.Status = s
				save()
			}
			if after := segments(); after != before {
				t.Errorf("three status changes wrote the title's search row again: %d rows of the index's data, then %d", before, after)
			}
			if !found("walrus") {
				t.Errorf("the title is not found after status changes")
			}
			dl.Title = "pelicans at the door"
			save()
			if found("walrus") || !found("pelican") {
				t.Errorf("after a rename: old title found %v, new title found %v", found("walrus"), found("pelican"))
			}
		})
	}
}

// searchEveryPage searches page after page, following the cursors, and
// returns the ids of every hit in order.
func searchEveryPage(t *testing.T, db *store.DB, filter beseda.SearchFilter) []int64 {
	t.Helper()
	var ids []int64
	for {
		page, err := db.Search(context.Background(), filter)
		if err != nil {
			t.Fatalf("%s: %v", filter.Query.Text, err)
		}
		for _, h := range page.Items {
			ids = append(ids, h.ID)
		}
		if page.NextCursor == "" {
			return ids
		}
		if filter.Cursor, err = beseda.ParseSearchCursor(page.NextCursor, filter.Order); err != nil {
			t.Fatal(err)
		}
	}
}
