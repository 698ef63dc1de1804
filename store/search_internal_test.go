package store

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/beseda/beseda"
)

// TestFtsFold_FoldsAsTheIndexDoes (issue 21, prefix search): search_terms
// must hold a word as SQLite's FTS5 tokenizer keeps it, or a prefix would
// miss it; ftsFold's answer for each word is what FTS5's own vocabulary
// lists for it.
func TestFtsFold_FoldsAsTheIndexDoes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE VIRTUAL TABLE f USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');
		CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, f, row)`); err != nil {
		t.Fatal(err)
	}
	words := []string{"café", "naïve", "İstanbul", "Ångström", "chữ", "straße", "чайник", "йод", "ёлка", "Ўзбек", "order1234", "x²"}
	for _, w := range words {
		text := beseda.SearchText(w)
		if strings.Contains(text, " ") {
			t.Fatalf("%q is several words: %q", w, text)
		}
		if _, err := db.ExecContext(ctx, `DELETE FROM f`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO f (body) VALUES ($1)`, text); err != nil {
			t.Fatal(err)
		}
		var indexed string
		if err := db.QueryRowContext(ctx, `SELECT group_concat(term, ' ') FROM temp.v`).Scan(&indexed); err != nil {
			t.Fatal(err)
		}
		if got := ftsFold(text); got != indexed {
			t.Errorf("%s: ftsFold(%q) = %q, FTS5 keeps %q", w, text, got, indexed)
		}
	}
}

// TestFtsQuery_PrefixIsTheWordsItStandsFor: a prefix term becomes the OR of
// the index's words listed for it, quoted; one with none listed stays
// FTS5's prefix query; other terms and phrases are untouched.
func TestFtsQuery_PrefixIsTheWordsItStandsFor(t *testing.T) {
	t.Parallel()
	q, err := beseda.ParseSearchQuery(`заказ достав* "refund order" опла*`)
	if err != nil {
		t.Fatal(err)
	}
	got := ftsQuery(q, map[int][]string{1: {"доставк", "доставлен"}})
	want := `"заказ" AND ("доставк" OR "доставлен") AND "refund order" AND "опл"*`
	if got != want {
		t.Errorf("ftsQuery = %s\nwant      %s", got, want)
	}
}
