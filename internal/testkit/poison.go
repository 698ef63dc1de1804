package testkit

import (
	"context"
	"testing"

	"github.com/beseda/beseda/store"
)

// Poison makes the database itself refuse some writes, as a failing database
// would: a trigger named name raises an error before every op ("INSERT" or
// "UPDATE") on table whose new row matches when (an SQL condition on NEW.…,
// written for both dialects). It returns the cure, which drops the trigger;
// the test's end cures anyway.
func Poison(tb testing.TB, db *store.DB, name, op, table, when string) (cure func()) {
	tb.Helper()
	ctx := context.Background()
	var create, drop []string
	if db.Dialect() == store.SQLite {
		create = []string{`CREATE TRIGGER ` + name + ` BEFORE ` + op + ` ON ` + table + ` WHEN ` + when +
			` BEGIN SELECT RAISE(ABORT, 'poisoned by the test'); END`}
		drop = []string{`DROP TRIGGER IF EXISTS ` + name}
	} else {
		create = []string{
			`CREATE FUNCTION ` + name + `() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF ` + when +
				` THEN RAISE EXCEPTION 'poisoned by the test'; END IF; RETURN NEW; END $$`,
			`CREATE TRIGGER ` + name + ` BEFORE ` + op + ` ON ` + table + ` FOR EACH ROW EXECUTE FUNCTION ` + name + `()`,
		}
		drop = []string{`DROP TRIGGER IF EXISTS ` + name + ` ON ` + table, `DROP FUNCTION IF EXISTS ` + name + `()`}
	}
	run := func(stmts []string) error {
		return db.Update(ctx, func(tx *store.Tx) error {
			for _, s := range stmts {
				if err := tx.Exec(ctx, s); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := run(create); err != nil {
		tb.Fatalf("poison %s: %v", table, err)
	}
	cured := false
	cure = func() {
		if cured {
			return
		}
		cured = true
		if err := run(drop); err != nil {
			tb.Errorf("cure %s: %v", table, err)
		}
	}
	tb.Cleanup(cure)
	return cure
}
