package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestSearchIndex_BatchesNeverDisagree (issue 21, item 4; migrations 00094,
// 00096): on SQLite rows are indexed for search in batches. Whatever was
// written before a search is found by it, as it is now: a message added,
// one added and changed before a batch, one whose text changed (by its new
// words only), one deleted (not at all), one whose text was emptied, a
// client renamed, a dialog deleted and its id reused, in the same write or
// after a batch. New rows wait above their table's mark, unnoted. A batch
// that fails part-way leaves the index, the notes and the marks as they
// were, and the next batch catches up. Batches take at most their size. The
// same searches hold on PostgreSQL, which indexes each row as it is written.
func TestSearchIndex_BatchesNeverDisagree(t *testing.T) {
	t.Parallel()
	for _, d := range testkit.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := testkit.OpenDB(t, d)
			f := newFixture(t, db)
			ctx := context.Background()
			now := time.Now().UTC()
			write := func(fn func(tx *store.Tx) error) {
				t.Helper()
				if err := db.Update(ctx, fn); err != nil {
					t.Fatal(err)
				}
			}
			var msgs []*beseda.Message
			write(func(tx *store.Tx) error {
				for _, text := range []string{"pelicans at dawn", "walruses at noon", "herons at dusk", "owls at night", "cranes"} {
					m := f.clientMessage(text)
					if err := tx.CreateMessage(ctx, m); err != nil {
						return err
					}
					msgs = append(msgs, m)
				}
				return nil
			})
			count := func(q string) int {
				t.Helper()
				var n int
				if err := db.WriteDB().QueryRowContext(ctx, q).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			find := func(kind beseda.SearchKind, words string) []int64 {
				t.Helper()
				q, err := beseda.ParseSearchQuery(words)
				if err != nil {
					t.Fatal(err)
				}
				page, err := db.Search(ctx, beseda.SearchFilter{WorkspaceID: f.ws.ID, Query: q, Kind: kind, Limit: 50})
				if err != nil {
					t.Fatal(err)
				}
				var ids []int64
				for _, h := range page.Items {
					ids = append(ids, h.ID)
				}
				return ids
			}
			sqlite := d == store.SQLite
			if sqlite {
				waiting := `SELECT count(*) FROM messages WHERE id > (SELECT row_id FROM search_indexed_upto WHERE kind = 1)`
				if n, noted := count(waiting), count(`SELECT count(*) FROM search_pending`); n != 5 || noted != 0 {
					t.Fatalf("%d messages wait above the mark and %d rows are noted, want 5 and 0", n, noted)
				}
				// A batch that fails part-way (at the messages' mark, after
				// their words went in) changes nothing.
				cure := testkit.Poison(t, db, "poison_batch", "UPDATE", "search_indexed_upto", "new.kind = 1")
				if _, _, err := db.IndexSearch(ctx, store.SearchIndexBatch); err == nil {
					t.Fatal("a batch whose mark could not be moved was kept")
				}
				cure()
				if n := count(waiting); n != 5 {
					t.Fatalf("after a failed batch %d messages wait, want 5", n)
				}
				if n := count(`SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'pelican'`); n != 0 {
					t.Fatalf("after a failed batch the index holds %d rows", n)
				}
				// Batches of two: three of them for five messages.
				var batches int
				for more := true; more; batches++ {
					var err error
					var n int
					if n, more, err = db.IndexSearch(ctx, 2); err != nil || n > 2+2+2 {
						t.Fatalf("batch %d: %d rows, %v", batches, n, err)
					}
				}
				if batches != 3 || count(`SELECT count(*) FROM search_pending`) != 0 || count(waiting) != 0 {
					t.Fatalf("%d batches, %d notes and %d messages left", batches, count(`SELECT count(*) FROM search_pending`), count(waiting))
				}
			}
			for i, word := range []string{"pelican", "walrus", "heron", "owl", "crane"} {
				if ids := find(beseda.SearchMessages, word); len(ids) != 1 || ids[0] != msgs[i].ID {
					t.Errorf("%s finds %v, want message %d", word, ids, msgs[i].ID)
				}
			}

			// Changed, deleted and emptied after they were indexed.
			write(func(tx *store.Tx) error {
				if err := tx.Exec(ctx, `UPDATE messages SET text = 'refunded flamingos' WHERE id = $1`, msgs[0].ID); err != nil {
					return err
				}
				if err := tx.Exec(ctx, `DELETE FROM messages WHERE id = $1`, msgs[1].ID); err != nil {
					return err
				}
				return tx.Exec(ctx, `UPDATE messages SET text = '' WHERE id = $1`, msgs[2].ID)
			})
			// Changed twice before a batch: its latest words count.
			write(func(tx *store.Tx) error {
				return tx.Exec(ctx, `UPDATE messages SET text = 'owls again' WHERE id = $1`, msgs[4].ID)
			})
			write(func(tx *store.Tx) error {
				return tx.Exec(ctx, `UPDATE messages SET text = 'storks' WHERE id = $1`, msgs[4].ID)
			})
			// Added and changed before a batch: indexed as it is.
			late := &beseda.Message{WorkspaceID: f.ws.ID, SubscriberID: f.sub.ID, ChannelID: f.sub.ChannelID,
				Direction: beseda.DirectionIn, Source: beseda.SourceClient, Status: beseda.MessageSent, Text: "gannets", CreatedAt: now}
			write(func(tx *store.Tx) error { return tx.CreateMessage(ctx, late) })
			write(func(tx *store.Tx) error {
				return tx.Exec(ctx, `UPDATE messages SET text = 'kittiwakes' WHERE id = $1`, late.ID)
			})
			want := map[string][]int64{"pelican": nil, "flamingo": {msgs[0].ID}, "refund": {msgs[0].ID}, "walrus": nil,
				"heron": nil, "owl": {msgs[3].ID}, "crane": nil, "stork": {msgs[4].ID}, "gannet": nil, "kittiwake": {late.ID}}
			for word, ids := range want {
				if got := find(beseda.SearchMessages, word); len(got) != len(ids) || (len(ids) == 1 && got[0] != ids[0]) {
					t.Errorf("after the changes %s finds %v, want %v", word, got, ids)
				}
			}

			// A client renamed; a dialog deleted and another written under its id.
			write(func(tx *store.Tx) error {
				return tx.Exec(ctx, `UPDATE subscribers SET name = 'Zinaida Quokka' WHERE id = $1`, f.sub.ID)
			})
			if ids := find(beseda.SearchSubscribers, "quokka"); len(ids) != 1 || ids[0] != f.sub.ID {
				t.Errorf("the renamed client: %v", ids)
			}
			dl := f.dialog(beseda.DialogCompleted)
			dl.Title = "albatross question"
			write(func(tx *store.Tx) error { return tx.CreateDialog(ctx, dl) })
			if ids := find(beseda.SearchDialogs, "albatross"); len(ids) != 1 {
				t.Fatalf("the dialog's title: %v", ids)
			}
			write(func(tx *store.Tx) error {
				if err := tx.Exec(ctx, `DELETE FROM dialog_participants WHERE dialog_id = $1`, dl.ID); err != nil {
					return err
				}
				if err := tx.Exec(ctx, `DELETE FROM dialogs WHERE id = $1`, dl.ID); err != nil {
					return err
				}
				if sqlite {
					// SQLite may give a new row the largest id again.
					return tx.Exec(ctx, `INSERT INTO dialogs (id, workspace_id, subscriber_id, type_id, title, status, created_by, created_at, updated_at)
						SELECT $1, workspace_id, id, $2, 'penguin matter', 'completed', $3, 1, 1 FROM subscribers WHERE id = $4`,
						dl.ID, dl.Type.ID, dl.CreatedBy.ID, f.sub.ID)
				}
				return nil
			})
			if ids := find(beseda.SearchDialogs, "albatross"); len(ids) != 0 {
				t.Errorf("the deleted dialog is still found: %v", ids)
			}
			if sqlite {
				if ids := find(beseda.SearchDialogs, "penguin"); len(ids) != 1 || ids[0] != dl.ID {
					t.Errorf("the dialog written under the same id: %v", ids)
				}
				// Deleted again, a batch, then another dialog under the id:
				// the id is below the mark, so the new row is noted.
				write(func(tx *store.Tx) error { return tx.Exec(ctx, `DELETE FROM dialogs WHERE id = $1`, dl.ID) })
				if ids := find(beseda.SearchDialogs, "penguin"); len(ids) != 0 {
					t.Errorf("the deleted dialog is still found: %v", ids)
				}
				write(func(tx *store.Tx) error {
					return tx.Exec(ctx, `INSERT INTO dialogs (id, workspace_id, subscriber_id, type_id, title, status, created_by, created_at, updated_at)
						SELECT $1, workspace_id, id, $2, 'puffin matter', 'completed', $3, 1, 1 FROM subscribers WHERE id = $4`,
						dl.ID, dl.Type.ID, dl.CreatedBy.ID, f.sub.ID)
				})
				if ids := find(beseda.SearchDialogs, "puffin"); len(ids) != 1 || ids[0] != dl.ID {
					t.Errorf("the dialog written under the id after a batch: %v", ids)
				}
				if n := count(`SELECT count(*) FROM search_pending`); n != 0 {
					t.Errorf("%d notes left after a search", n)
				}
			}
		})
	}
}
