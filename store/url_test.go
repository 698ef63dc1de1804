package store_test

import (
	"strings"
	"testing"

	"github.com/beseda/beseda/store"
)

func TestParseURL_OnlyKnownSchemes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url     string
		dialect store.Dialect
		where   string
	}{
		{"", store.SQLite, "beseda.db"},
		{"sqlite:data/beseda.db", store.SQLite, "data/beseda.db"},
		{"sqlite://data/beseda.db", store.SQLite, "data/beseda.db"},
		{"sqlite:///var/lib/beseda.db", store.SQLite, "/var/lib/beseda.db"},
		{"SQLite:x.db", store.SQLite, "x.db"},
		{"beseda.db", store.SQLite, "beseda.db"},
		{"./data/beseda.db", store.SQLite, "./data/beseda.db"},
		{"/var/lib/beseda.db", store.SQLite, "/var/lib/beseda.db"},
		{"postgres://beseda@db/beseda?sslmode=disable", store.Postgres, "postgres://beseda@db/beseda?sslmode=disable"},
		{"postgresql://beseda@db/beseda", store.Postgres, "postgresql://beseda@db/beseda"},
		{"postgres:///beseda?host=/var/run/postgresql", store.Postgres, "postgres:///beseda?host=/var/run/postgresql"},
		{"postgres://db:5433/?dbname=beseda", store.Postgres, "postgres://db:5433/?dbname=beseda"},
	} {
		d, where, err := store.ParseURL(tc.url)
		if err != nil || d != tc.dialect || where != tc.where {
			t.Errorf("ParseURL(%q) = %s %q %v", tc.url, d, where, err)
		}
	}
	for _, bad := range []string{"mysql://root@db/beseda", "pg://beseda@db/beseda", "postgres:beseda", "file:beseda.db",
		"http://example.com/x.db", "sqlite:", "sqlite://", "redis://:secret@cache:6379"} {
		if _, _, err := store.ParseURL(bad); err == nil {
			t.Errorf("ParseURL(%q) accepted", bad)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
}

// TestParseURL_PostgresNeedsHostAndDatabase: left out, libpq's defaults
// would choose them (user and database "root", a local socket), and the
// server would migrate whatever that is. The error says which part is
// missing and gives an example.
func TestParseURL_PostgresNeedsHostAndDatabase(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"postgres://", `database URL "postgres://" names no host and no database: write postgres://USER@HOST/DATABASE, e.g. postgres://beseda@localhost:5432/beseda`},
		{"postgresql://beseda@", "names no host and no database"},
		{"postgres:///beseda", `database URL "postgres:///beseda" names no host: write postgres://USER@HOST/beseda, e.g. postgres://beseda@localhost:5432/beseda (a Unix socket: postgres:///beseda?host=/var/run/postgresql)`},
		{"postgres://beseda:hunter2@db.internal", `database URL "postgres://beseda:xxxxx@db.internal" names no database: add it after the host, postgres://USER@db.internal/DATABASE, e.g. postgres://beseda@localhost:5432/beseda`},
		{"postgres://beseda@db.internal/", "names no database"},
		{"postgres://beseda@db.internal/?sslmode=disable", "names no database"},
	} {
		_, _, err := store.ParseURL(tc.url)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseURL(%q): %v\nwant %s", tc.url, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
}
