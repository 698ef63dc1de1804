package store

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// scheme matches a URL scheme at the start of a database URL (RFC 3986).
var scheme = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*):`)

// ParseURL tells which database a URL names, and where: "sqlite:PATH",
// "sqlite://PATH" or a bare PATH for SQLite (the path is returned),
// "postgres://…" or "postgresql://…" for PostgreSQL (the URL is returned).
// Any other scheme is an error, so that "mysql://…" or a mistyped "pg://…"
// is never taken for the name of a new SQLite file.
func ParseURL(dbURL string) (Dialect, string, error) {
	if dbURL == "" {
		dbURL = DefaultURL
	}
	m := scheme.FindStringSubmatch(dbURL)
	if m == nil {
		return SQLite, dbURL, nil // a bare path
	}
	switch strings.ToLower(m[1]) {
	case "sqlite":
		path := strings.TrimPrefix(dbURL[len(m[0]):], "//")
		if path == "" {
			return "", "", fmt.Errorf("database URL %q: the SQLite path is empty", dbURL)
		}
		return SQLite, path, nil
	case "postgres", "postgresql":
		u, err := url.Parse(dbURL)
		if err != nil || !strings.HasPrefix(dbURL[len(m[0]):], "//") {
			return "", "", fmt.Errorf("database URL %q: not a postgres://user@host/db URL", Redact(dbURL))
		}
		// Left out, libpq's defaults would pick them (the user's name, a
		// local socket), and Beseda would migrate whatever database that
		// is: a guess, so an error.
		host, _, db := PostgresTarget(u)
		switch {
		case host == "" && db == "":
			return "", "", fmt.Errorf("database URL %q names no host and no database: write postgres://USER@HOST/DATABASE, e.g. %s", Redact(dbURL), pgExample)
		case host == "":
			return "", "", fmt.Errorf("database URL %q names no host: write postgres://USER@HOST/%s, e.g. %s (a Unix socket: postgres:///%s?host=/var/run/postgresql)",
				Redact(dbURL), db, pgExample, db)
		case db == "":
			return "", "", fmt.Errorf("database URL %q names no database: add it after the host, postgres://USER@%s/DATABASE, e.g. %s", Redact(dbURL), host, pgExample)
		}
		return Postgres, u.String(), nil
	}
	return "", "", fmt.Errorf("database URL %q: unknown scheme %q; use sqlite:PATH (or a plain path) or postgres://user@host/db",
		Redact(dbURL), m[1])
}

const pgExample = "postgres://beseda@localhost:5432/beseda"

// PostgresTarget returns the server and database a PostgreSQL URL names:
// from its address (postgres://user@HOST:PORT/DB) or, as libpq also takes
// them, from the host, port and dbname parameters (a Unix socket's
// directory is given as ?host=/path). Empty when not named.
func PostgresTarget(u *url.URL) (host, port, db string) {
	q := u.Query()
	host, port = u.Hostname(), u.Port()
	if host == "" {
		host = q.Get("host")
	}
	if port == "" {
		port = q.Get("port")
	}
	db = strings.TrimPrefix(u.Path, "/")
	if db == "" {
		db = q.Get("dbname")
	}
	return host, port, db
}

// Redact hides the password of a database URL, for messages and logs.
func Redact(dbURL string) string {
	if u, err := url.Parse(dbURL); err == nil && u.User != nil {
		return u.Redacted()
	}
	if strings.Contains(dbURL, "@") {
		return "…" // unparsable, and it may hold a password
	}
	return dbURL
}
