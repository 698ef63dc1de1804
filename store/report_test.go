package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestL2_ReportCSVKeepsTheRowsOrderAcrossPages: the CSV export reads the
// report's dialogs in pages of a thousand, each after the last one's
// creation time and id; across a page boundary inside a run of dialogs of
// one millisecond it loses, repeats and reorders none: the order is the
// report rows' (newest first, ties by id).
func TestL2_ReportCSVKeepsTheRowsOrderAcrossPages(t *testing.T) {
	for _, dialect := range testkit.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			db := testkit.OpenDB(t, dialect)
			f := newFixture(t, db)
			ctx := context.Background()
			base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			const n = 1010
			err := db.Update(ctx, func(tx *store.Tx) error {
				for i := range n {
					d := f.dialog(beseda.DialogCompleted)
					// Ten dialogs a millisecond, ids and times in opposite orders.
					d.CreatedAt = base.Add(-time.Duration(i/10) * time.Millisecond)
					if err := tx.CreateDialog(ctx, d); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			filter := beseda.ReportFilter{WorkspaceID: f.ws.ID, Limit: 1000}
			rows, err := db.ReportRows(ctx, filter)
			if err != nil {
				t.Fatal(err)
			}
			var each []*beseda.Dialog
			if err := db.EachReportDialog(ctx, filter, func(d *beseda.Dialog) error { each = append(each, d); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(each) != n {
				t.Fatalf("the export read %d dialogs of %d", len(each), n)
			}
			for i, d := range each {
				if i < len(rows) && rows[i].ID != d.ID {
					t.Fatalf("row %d: the export has dialog %d, the report %d", i, d.ID, rows[i].ID)
				}
				if i > 0 {
					prev := each[i-1]
					if d.CreatedAt.After(prev.CreatedAt) || d.CreatedAt.Equal(prev.CreatedAt) && d.ID > prev.ID {
						t.Fatalf("row %d (dialog %d at %v) comes after dialog %d at %v", i, d.ID, d.CreatedAt, prev.ID, prev.CreatedAt)
					}
				}
			}
		})
	}
}
