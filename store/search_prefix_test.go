package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestSearch_PrefixFindsEveryWordThatStartsSo (issue 21, item 3: prefix
// search for the word being typed): a prefix finds the messages of every
// word that starts so, newest first, alone and beside another word, on
// both databases. On SQLite a prefix stands for the index's words it
// starts (search_terms, migration 00097): those of new messages, of a text
// changed after it was indexed, Latin words with diacritics (kept as
// FTS5 folds them: «cafe»), and a prefix of more
// words than that list may hold still finds them all (FTS5's own prefix
// query).
func TestSearch_PrefixFindsEveryWordThatStartsSo(t *testing.T) {
	t.Parallel()
	for _, d := range testkit.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := testkit.OpenDB(t, d)
			f := newFixture(t, db)
			ctx := context.Background()
			add := func(texts ...string) []int64 {
				t.Helper()
				var ids []int64
				err := db.Update(ctx, func(tx *store.Tx) error {
					for _, text := range texts {
						m := f.clientMessage(text)
						if err := tx.CreateMessage(ctx, m); err != nil {
							return err
						}
						ids = append(ids, m.ID)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				return ids
			}
			find := func(words string) []int64 {
				t.Helper()
				q, err := beseda.ParseSearchQuery(words)
				if err != nil {
					t.Fatal(err)
				}
				return searchEveryPage(t, db, beseda.SearchFilter{WorkspaceID: f.ws.ID, Query: q, Kind: beseda.SearchMessages, Limit: 30})
			}
			newestFirst := func(ids ...int64) []int64 {
				out := slices.Clone(ids)
				slices.Sort(out)
				slices.Reverse(out)
				return out
			}
			check := func(words string, want []int64) {
				t.Helper()
				if got := find(words); !slices.Equal(got, want) {
					t.Errorf("%s: found %v, want %v", words, got, want)
				}
			}

			ids := add("Доставка заказа задерживается", "Заказ доставлен вчера", "Можно доставить завтра?",
				"Оплатил заказ", "A café au lait, please", "Refunded twice")
			check("достав*", newestFirst(ids[0], ids[1], ids[2]))
			check("достав* вчера", newestFirst(ids[1]))
			check("заказ достав*", newestFirst(ids[0], ids[1]))
			check("café*", newestFirst(ids[4]))
			check("caf*", newestFirst(ids[4]))
			check("refu*", newestFirst(ids[5]))
			check("вертол*", nil)

			// A word that arrives with a changed text, after its message
			// was indexed.
			find("оплатил")
			if err := db.Update(ctx, func(tx *store.Tx) error {
				return tx.Exec(ctx, `UPDATE messages SET text = 'Прилетел вертолёт' WHERE id = $1`, ids[3])
			}); err != nil {
				t.Fatal(err)
			}
			check("вертол*", newestFirst(ids[3]))
			check("опла*", nil)

			// More words than a prefix may stand for in search_terms.
			var many []string
			for i := range 70 {
				many = append(many, fmt.Sprintf("ticket zq%02dx", i))
			}
			manyIDs := add(many...)
			check("zq*", newestFirst(manyIDs...))
			check("zq4*", newestFirst(manyIDs[40:50]...))

			if d == store.SQLite {
				var terms []string
				rows, err := db.WriteDB().QueryContext(ctx, `SELECT term FROM search_terms WHERE term IN ('доставк', 'cafe', 'café', 'вертолет', 'zq07x')`)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var term string
					if err := rows.Scan(&term); err != nil {
						t.Fatal(err)
					}
					terms = append(terms, term)
				}
				rows.Close()
				slices.Sort(terms)
				if want := []string{"cafe", "zq07x", "вертолет", "доставк"}; !slices.Equal(terms, want) {
					t.Errorf("search_terms holds %v of the index's words, want %v", terms, want)
				}
			}
		})
	}
}

// TestMigration97_SearchTermsHoldTheIndexWords (issue 21): the migration
// fills search_terms with every word SQLite's three search indexes already
// hold, so that a prefix finds the rows indexed before it.
func TestMigration97_SearchTermsHoldTheIndexWords(t *testing.T) {
	t.Parallel()
	testkit.EachEmpty(t, func(t *testing.T, dbURL string) {
		if dialect, _, _ := store.ParseURL(dbURL); dialect != store.SQLite {
			t.Skip("PostgreSQL's GIN index answers a prefix itself; its 00097 does nothing")
		}
		ctx := context.Background()
		raw, _ := schemaAt(t, dbURL, 96)
		for _, q := range []string{
			`INSERT INTO messages_fts (rowid, body) VALUES (1, 'доставк заказ'), (2, 'caf au lait')`,
			`INSERT INTO subscribers_fts (rowid, body) VALUES (1, 'ежиков v5')`,
			`INSERT INTO dialogs_fts (rowid, body) VALUES (1, 'возврат')`,
		} {
			if _, err := raw.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		raw.Close()
		raw, _ = schemaAt(t, dbURL, 97)
		rows, err := raw.QueryContext(ctx, `SELECT term FROM search_terms ORDER BY term`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var terms []string
		for rows.Next() {
			var term string
			if err := rows.Scan(&term); err != nil {
				t.Fatal(err)
			}
			terms = append(terms, term)
		}
		if want := []string{"au", "caf", "lait", "v5", "возврат", "доставк", "ежиков", "заказ"}; !slices.Equal(terms, want) {
			t.Errorf("search_terms holds %v, want %v", terms, want)
		}
	})
}
