package synth

import (
	"context"
	"fmt"

	"github.com/beseda/beseda/store"
)

// withoutMessageIndex runs load with PostgreSQL's GIN index of messages
// (migration 00030) dropped and builds it again afterwards from the
// definition the database reports, unchanged: one build over ten million
// vectors is much cheaper than keeping the index up to date over thousands
// of multi-row INSERTs. The vectors themselves are the generated column's,
// written with each row as in the product. If the run dies in between, the
// index is missing: pg_indexes' definition printed in the error restores it.
//
// On SQLite the rows written are noted for the search index (migration
// 00094) and indexed afterwards, in large batches, as the periodic job would.
func withoutMessageIndex(ctx context.Context, db *store.DB, load func() error) error {
	if db.Dialect() != store.Postgres {
		if err := load(); err != nil {
			return err
		}
		for more := true; more; {
			var err error
			if _, more, err = db.IndexSearch(ctx, 100_000); err != nil {
				return fmt.Errorf("synth: %w", err)
			}
		}
		return nil
	}
	var def string
	if err := db.WriteDB().QueryRowContext(ctx,
		`SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'messages_search'`).Scan(&def); err != nil {
		return fmt.Errorf("synth: the messages' search index: %w", err)
	}
	if _, err := db.WriteDB().ExecContext(ctx, `DROP INDEX messages_search`); err != nil {
		return err
	}
	loadErr := load()
	// One connection, so that the memory setting applies to the build.
	conn, err := db.WriteDB().Conn(ctx)
	if err != nil {
		return fmt.Errorf("synth: rebuild %q: %w", def, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SET maintenance_work_mem = '512MB'`); err != nil {
		return fmt.Errorf("synth: rebuild %q: %w", def, err)
	}
	if _, err := conn.ExecContext(ctx, def); err != nil {
		return fmt.Errorf("synth: rebuild %q: %w", def, err)
	}
	return loadErr
}

// withoutSLATriggers runs load with PostgreSQL's triggers that keep the SLA
// report's sums (migration 00092) turned off, and computes the sums once
// afterwards, set-based: a trigger per dialog would cost the load minutes.
// The triggers are the whole database's, so nothing else may write dialogs
// meanwhile (as for the rest of Generate). SQLite's triggers run in the
// writing statement at little cost and stay on.
func withoutSLATriggers(ctx context.Context, db *store.DB, load func() error) error {
	if db.Dialect() != store.Postgres {
		return load()
	}
	toggle := func(op string) error {
		for _, q := range []string{`ALTER TABLE dialog_sla ` + op + ` TRIGGER dialog_sla_rollup_insert`,
			`ALTER TABLE dialog_participants ` + op + ` TRIGGER dialog_participants_sla_rollup`} {
			if _, err := db.WriteDB().ExecContext(ctx, q); err != nil {
				return fmt.Errorf("synth: %w", err)
			}
		}
		return nil
	}
	if err := toggle("DISABLE"); err != nil {
		return err
	}
	loadErr := load()
	if err := toggle("ENABLE"); err != nil {
		return err
	}
	if loadErr != nil {
		return loadErr
	}
	return db.RebuildSLARollup(ctx)
}
