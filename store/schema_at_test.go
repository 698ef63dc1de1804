package store_test

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/beseda/beseda/store"
)

// schemaAt opens the empty database of dbURL directly, without the store,
// and migrates it to version: where a test of a later migration puts the
// rows that migration must carry over. The connection closes when the test
// ends (closing it earlier is fine).
func schemaAt(t *testing.T, dbURL string, version int64) (*sql.DB, store.Dialect) {
	t.Helper()
	dialect, path, err := store.ParseURL(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	var raw *sql.DB
	gooseDialect, dir := goose.DialectPostgres, "migrations/postgres"
	if dialect == store.SQLite {
		gooseDialect, dir = goose.DialectSQLite3, "migrations/sqlite"
		raw, err = sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)")
		if err == nil {
			raw.SetMaxOpenConns(1)
		}
	} else {
		raw, err = sql.Open("pgx", dbURL)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	p, err := goose.NewProvider(gooseDialect, raw, os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
	return raw, dialect
}
