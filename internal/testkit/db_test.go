package testkit

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beseda/beseda/store"
)

// TestMigratedDatabases: a migrated copy holds every migration and no rows,
// opening it changes nothing, and copies are apart from each other; an empty
// database holds nothing at all.
func TestMigratedDatabases(t *testing.T) {
	t.Parallel()
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(root, "store", "migrations", "sqlite", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: %v %v", files, err)
	}
	raw := func(t *testing.T, dbURL string) *sql.DB {
		t.Helper()
		d, path, err := store.ParseURL(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		var db *sql.DB
		if d == store.SQLite {
			db, err = sql.Open("sqlite", "file:"+path)
		} else {
			db, err = sql.Open("pgx", dbURL)
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	applied := func(t *testing.T, db *sql.DB) int {
		t.Helper()
		var n int
		if err := db.QueryRow(`SELECT count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, d := range Dialects() {
		t.Run(string(d), func(t *testing.T) {
			a, b := NewMigratedDatabase(t, d), NewMigratedDatabase(t, d)
			if a == b {
				t.Fatalf("two tests got one database: %s", a)
			}
			if n := applied(t, raw(t, a)); n != len(files) {
				t.Errorf("a migrated copy has %d migrations, the module %d", n, len(files))
			}
			db, err := store.Open(context.Background(), a)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.WriteDB().Exec(`INSERT INTO workspaces (name, created_at) VALUES ('only in a', 1)`); err != nil {
				t.Fatal(err)
			}
			db.Close()
			if n := applied(t, raw(t, a)); n != len(files) {
				t.Errorf("opening the copy left %d migrations", n)
			}
			var n int
			if err := raw(t, b).QueryRow(`SELECT count(*) FROM workspaces`).Scan(&n); err != nil || n != 0 {
				t.Errorf("the other copy has %d workspaces (%v)", n, err)
			}
			var tables int
			q := `SELECT count(*) FROM sqlite_schema WHERE type = 'table'`
			if d == store.Postgres {
				q = `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()`
			}
			if err := raw(t, NewDatabase(t, d)).QueryRow(q).Scan(&tables); err != nil || tables != 0 {
				t.Errorf("an empty database has %d tables (%v)", tables, err)
			}
			if d == store.SQLite {
				_, path, _ := store.ParseURL(a)
				if !strings.HasPrefix(path, os.TempDir()) {
					t.Errorf("the copy is not in the test's directory: %s", path)
				}
			}
		})
	}
}
