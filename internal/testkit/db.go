package testkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/beseda/beseda/store"
)

// Dialects returns the databases tests run against: always SQLite, and
// PostgreSQL when one is reachable.
func Dialects() []store.Dialect {
	if PostgresURL() == "" {
		return []store.Dialect{store.SQLite}
	}
	return []store.Dialect{store.SQLite, store.Postgres}
}

var postgresURL = sync.OnceValue(func() string {
	if v := os.Getenv("BESEDA_TEST_POSTGRES"); v != "" {
		if v == "off" || v == "0" || v == "false" {
			return ""
		}
		return v
	}
	conn, err := net.DialTimeout("tcp", "127.0.0.1:5432", time.Second)
	if err != nil {
		return ""
	}
	conn.Close()
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
})

// PostgresURL is the PostgreSQL server tests use, or "" when there is none.
func PostgresURL() string { return postgresURL() }

// Each runs fn as a subtest once per database, each with a fresh database URL.
func Each(t *testing.T, fn func(t *testing.T, dbURL string)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(string(d), func(t *testing.T) { fn(t, NewDatabase(t, d)) })
	}
}

// NewDatabase creates an empty database of the dialect for the test and
// returns its URL; it is removed when the test ends.
func NewDatabase(tb testing.TB, d store.Dialect) string {
	tb.Helper()
	if d == store.SQLite {
		return "sqlite:" + filepath.Join(tb.TempDir(), "beseda.db")
	}
	admin := PostgresURL()
	if admin == "" {
		tb.Skip("no PostgreSQL server")
	}
	name := "beseda_test_" + randomHex(6)
	db, err := sql.Open("pgx", admin)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			tb.Error(err)
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			tb.Errorf("drop test database: %v", err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// OpenDB opens a fresh, migrated database of the dialect for the test.
func OpenDB(tb testing.TB, d store.Dialect) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), NewDatabase(tb, d))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
