package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// Migrations are the SQL files this binary applies (migrations/DIALECT/*.sql).
func Migrations() fs.FS { return migrations }

// migrationLock is the PostgreSQL advisory lock that keeps several processes
// starting at once from migrating at the same time.
const migrationLock = 7_428_113_901

// migrate applies Beseda's migrations, then River's (its job tables live in the
// same database, so that jobs are inserted in the same transaction as the rows
// they are about).
func (db *DB) migrate(ctx context.Context) error {
	if db.dialect == Postgres {
		conn, err := db.rw.Conn(ctx)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock)
	}

	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	if db.dialect == Postgres {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
	}
	fsys, err := fs.Sub(migrations, dir)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	provider, err := goose.NewProvider(dialect, db.rw, fsys)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}

	var riverErr error
	if db.dialect == Postgres {
		m, err := rivermigrate.New(riverdatabasesql.New(db.rw), nil)
		if err != nil {
			return fmt.Errorf("migrate river: %w", err)
		}
		_, riverErr = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	} else {
		m, err := rivermigrate.New(riversqlite.New(db.rw), nil)
		if err != nil {
			return fmt.Errorf("migrate river: %w", err)
		}
		_, riverErr = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	}
	if riverErr != nil {
		return fmt.Errorf("migrate river: %w", riverErr)
	}
	if db.dialect == SQLite {
		// Refresh the planner's statistics where they are missing or stale
		// (SQLite has no autovacuum to do it), with a bounded amount of work.
		if _, err := db.rw.ExecContext(ctx, "PRAGMA optimize=0x10002"); err != nil {
			return fmt.Errorf("optimize: %w", err)
		}
		if err := db.forgetValueStats(ctx); err != nil {
			return fmt.Errorf("optimize: %w", err)
		}
	}
	return nil
}

// forgetValueStats keeps SQLite's per-index averages (sqlite_stat1) and drops
// its value samples (sqlite_stat4). With samples, a statement whose plan
// looked at a bound value is re-parsed and re-planned every time a value is
// bound again — for our statements, every time they run, which costs more
// than running them. The averages are what our plans need; skewed columns
// (statuses) have partial indexes instead.
func (db *DB) forgetValueStats(ctx context.Context) error {
	var n int
	if err := db.rw.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat4'`).Scan(&n); err != nil || n == 0 {
		return err
	}
	if _, err := db.rw.ExecContext(ctx, `DELETE FROM sqlite_stat4`); err != nil {
		return err
	}
	// Load the statistics again, without the samples.
	_, err := db.rw.ExecContext(ctx, `ANALYZE sqlite_schema`)
	return err
}
