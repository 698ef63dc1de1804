package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestWithin_CommitsAllOrNothing: use cases run on a view of one
// transaction commit together; an error inside one rolls back its savepoint
// only, and the outer transaction's failure leaves nothing.
func TestWithin_CommitsAllOrNothing(t *testing.T) {
	testkit.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		count := func() int {
			n, err := db.CountWorkspaces(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		add := func(view *store.DB, name string) error {
			return view.Update(ctx, func(tx *store.Tx) error {
				return tx.CreateWorkspace(ctx, &beseda.Workspace{Name: name, Locale: beseda.LocaleEN, CreatedAt: time.Now()})
			})
		}
		committed := false
		failed := errors.New("a later step failed")
		err = db.Update(ctx, func(tx *store.Tx) error {
			view := tx.Within(db)
			tx.AfterCommit(func() { committed = true })
			if err := add(view, "one"); err != nil {
				return err
			}
			if n, err := view.CountWorkspaces(ctx); err != nil || n != 1 {
				t.Errorf("the view does not read its own writes: %d %v", n, err)
			}
			return failed
		})
		if !errors.Is(err, failed) || count() != 0 || committed {
			t.Errorf("a failed transaction: %v, %d workspaces, after-commit ran %v", err, count(), committed)
		}
		err = db.Update(ctx, func(tx *store.Tx) error {
			view := tx.Within(db)
			if err := add(view, "kept"); err != nil {
				return err
			}
			// A step that fails inside rolls back to its savepoint; the
			// transaction goes on.
			err := view.Update(ctx, func(tx *store.Tx) error {
				if err := tx.CreateWorkspace(ctx, &beseda.Workspace{Name: "dropped", Locale: beseda.LocaleEN, CreatedAt: time.Now()}); err != nil {
					return err
				}
				return tx.Exec(ctx, `INSERT INTO no_such_table VALUES (1)`)
			})
			if err == nil {
				t.Error("the failing step succeeded")
			}
			return add(view, "also kept")
		})
		if err != nil || count() != 2 {
			t.Errorf("after a step failed inside: %v, %d workspaces, want 2", err, count())
		}
	})
}
