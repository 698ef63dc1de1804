package testkit

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	byteorder "encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
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

// Each runs fn as a subtest once per database, each with a fresh migrated
// database (NewMigratedDatabase).
func Each(t *testing.T, fn func(t *testing.T, dbURL string)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(string(d), func(t *testing.T) { fn(t, NewMigratedDatabase(t, d)) })
	}
}

// EachEmpty is Each with empty databases (NewDatabase): for tests of the
// migrations themselves.
func EachEmpty(t *testing.T, fn func(t *testing.T, dbURL string)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(string(d), func(t *testing.T) { fn(t, NewDatabase(t, d)) })
	}
}

// NewDatabase creates an empty database of the dialect for the test and
// returns its URL; it is removed when the test ends. Only tests of the
// migrations, or of what a first start does to an empty database, need one:
// the others take NewMigratedDatabase, which is cheaper.
func NewDatabase(tb testing.TB, d store.Dialect) string {
	tb.Helper()
	if d == store.SQLite {
		return "sqlite:" + filepath.Join(tb.TempDir(), "beseda.db")
	}
	return createPostgres(tb, "")
}

// NewMigratedDatabase creates a database of the dialect holding what the
// embedded migrations make of an empty one, and returns its URL; it is
// removed when the test ends. It is a copy of a template migrated once per
// machine and version of the migrations, so the migrations do not run again
// for every test: opening it (store.Open) finds nothing to do. PostgreSQL
// clones the template database (CREATE DATABASE … TEMPLATE); SQLite copies
// the template file.
func NewMigratedDatabase(tb testing.TB, d store.Dialect) string {
	tb.Helper()
	if d == store.SQLite {
		tmpl, err := sqliteTemplate()
		if err != nil {
			tb.Fatalf("the migrated SQLite template: %v", err)
		}
		path := filepath.Join(tb.TempDir(), "beseda.db")
		if err := copyFile(tmpl, path); err != nil {
			tb.Fatal(err)
		}
		return "sqlite:" + path
	}
	if PostgresURL() == "" {
		tb.Skip("no PostgreSQL server")
	}
	tmpl, err := postgresTemplate()
	if err != nil {
		tb.Fatalf("the migrated PostgreSQL template: %v", err)
	}
	return createPostgres(tb, tmpl)
}

// OpenDB opens a fresh, migrated database of the dialect for the test.
func OpenDB(tb testing.TB, d store.Dialect) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), NewMigratedDatabase(tb, d))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// adminDB is a pool of connections to the PostgreSQL server's maintenance
// database, which creates and drops the test databases; it lives as long as
// the test binary.
var adminDB = sync.OnceValues(func() (*sql.DB, error) {
	db, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		return nil, err
	}
	db.SetMaxIdleConns(4)
	return db, nil
})

// createPostgres creates a database, a copy of template if not "", for the
// test, and drops it when the test ends.
func createPostgres(tb testing.TB, template string) string {
	tb.Helper()
	if PostgresURL() == "" {
		tb.Skip("no PostgreSQL server")
	}
	admin, err := adminDB()
	if err != nil {
		tb.Fatal(err)
	}
	name := "beseda_test_" + randomHex(6)
	stmt := "CREATE DATABASE " + name
	if template != "" {
		stmt += " TEMPLATE " + template
	}
	if err := execRetryingInUse(admin, stmt); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			tb.Errorf("drop test database: %v", err)
		}
	})
	return postgresDatabaseURL(tb, name)
}

func postgresDatabaseURL(tb testing.TB, name string) string {
	u, err := url.Parse(PostgresURL())
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// execRetryingInUse runs a statement that PostgreSQL refuses while another
// session is connected to a database it names (CREATE DATABASE … TEMPLATE,
// ALTER DATABASE … RENAME): the session that just left one may take a
// moment to end. It tries again until that has had a step's time.
func execRetryingInUse(db *sql.DB, stmt string) error {
	deadline := time.Now().Add(Timeout(StepTimeout))
	for {
		_, err := db.Exec(stmt)
		var pgErr *pgconn.PgError
		if err == nil || !errors.As(err, &pgErr) || pgErr.Code != "55006" || time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// migrationsHash names a version of the migrations: the SQL files of both
// dialects as this binary embeds them (not as the work tree holds them now:
// a merge while a test binary runs would name an old set with a new hash),
// the code that applies them (and River's, whose version go.mod holds). The
// templates of each version have names of their own, so that worktrees and
// branches with other migrations, testing at the same time on one machine,
// never share one.
var migrationsHash = sync.OnceValues(func() (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	add := func(fsys fs.FS, f string) error {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", f, len(data))
		h.Write(data)
		return nil
	}
	for _, f := range []string{"go.mod", "store/migrate.go"} {
		if err := add(os.DirFS(root), f); err != nil {
			return "", err
		}
	}
	// WalkDir goes in lexical order.
	err = fs.WalkDir(store.Migrations(), "migrations", func(path string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			err = add(store.Migrations(), path)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
})

// postgresTemplate returns the name of the migrated template database of
// this version of the migrations, making it the first time any test binary
// on the machine asks. An advisory lock keeps test binaries running at the
// same time from making it twice; it is made under another name and renamed
// when done, so a binary killed halfway leaves no half-migrated template.
var postgresTemplate = sync.OnceValues(func() (string, error) {
	hash, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "beseda_tmpl_" + hash
	admin, err := adminDB()
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	sum := sha256.Sum256([]byte(name))
	lock := int64(byteorder.BigEndian.Uint64(sum[:8]))
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", lock); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", lock)
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil || n == 1 {
		return name, err
	}
	building := name + "_building"
	if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	u, err := url.Parse(PostgresURL())
	if err != nil {
		return "", err
	}
	u.Path = "/" + building
	db, err := store.Open(ctx, u.String())
	if err != nil {
		return "", err
	}
	if err := db.Close(); err != nil {
		return "", err
	}
	// No one connects to a template: a clone waits for every session on
	// its template to end.
	if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+building+" WITH ALLOW_CONNECTIONS false"); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", building); err != nil {
		return "", err
	}
	if err := execRetryingInUse(admin, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
		return "", err
	}
	return name, nil
})

// sqliteTemplate returns the path of the migrated SQLite file of this
// version of the migrations (in the system's temporary directory), making
// it the first time any test binary on the machine asks. It is written
// under another name and renamed when done: binaries that make it at the
// same time each rename a whole one.
var sqliteTemplate = sync.OnceValues(func() (string, error) {
	hash, err := migrationsHash()
	if err != nil {
		return "", err
	}
	path := filepath.Join(os.TempDir(), "beseda-test-template-"+hash+".db")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	dir, err := os.MkdirTemp("", "beseda-test-template-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	db, err := store.Open(context.Background(), "sqlite:"+filepath.Join(dir, "migrating.db"))
	if err != nil {
		return "", err
	}
	// One file, its write-ahead log folded in.
	done := filepath.Join(dir, "migrated.db")
	if _, err := db.WriteDB().Exec("VACUUM INTO ?", done); err != nil {
		db.Close()
		return "", err
	}
	if err := db.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(done, path)
})

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
