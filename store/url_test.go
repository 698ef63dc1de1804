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
