package store_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// fixture stores a workspace with a user, a type and one subscriber.
type fixture struct {
	ws   *beseda.Workspace
	user *beseda.User
	typ  *beseda.CatalogItem
	sub  *beseda.Subscriber
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	f := &fixture{}
	err := db.Update(ctx, func(tx *store.Tx) error {
		f.ws = &beseda.Workspace{Name: "W", Locale: beseda.LocaleEN, CreatedAt: now}
		if err := tx.CreateWorkspace(ctx, f.ws); err != nil {
			return err
		}
		f.user = &beseda.User{WorkspaceID: f.ws.ID, Email: uniqueEmail(), Name: "U", Role: beseda.RoleOwner, CreatedAt: now}
		if err := tx.CreateUser(ctx, f.user, "x"); err != nil {
			return err
		}
		var err error
		if f.typ, err = tx.AddCatalogItem(ctx, f.ws.ID, beseda.CatalogTypes, "Support", now); err != nil {
			return err
		}
		ch := &beseda.Channel{WorkspaceID: f.ws.ID, Kind: "web", Name: "Web", Enabled: true, Key: "k" + uniqueEmail(), CreatedAt: now}
		if err := tx.CreateChannel(ctx, ch); err != nil {
			return err
		}
		f.sub = &beseda.Subscriber{WorkspaceID: f.ws.ID, ChannelID: ch.ID, ExternalID: "v1", Name: "Anna", CreatedAt: now}
		return tx.CreateSubscriber(ctx, f.sub)
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

var emails atomic.Int64

// uniqueEmail is an address no other fixture of the test process uses.
func uniqueEmail() string { return fmt.Sprintf("user%d@example.com", emails.Add(1)) }

// clientMessage is a message the client sent in the fixture's chat, now.
func (f *fixture) clientMessage(text string) *beseda.Message {
	return &beseda.Message{WorkspaceID: f.ws.ID, SubscriberID: f.sub.ID, ChannelID: f.sub.ChannelID,
		Direction: beseda.DirectionIn, Source: beseda.SourceClient, Status: beseda.MessageSent,
		Text: text, CreatedAt: time.Now().UTC()}
}

func (f *fixture) dialog(status beseda.DialogStatus) *beseda.Dialog {
	now := time.Now().UTC()
	return &beseda.Dialog{WorkspaceID: f.ws.ID, SubscriberID: f.sub.ID, Title: "T", Status: status,
		Type: beseda.Ref{ID: f.typ.ID}, CreatedBy: beseda.Ref{ID: f.user.ID}, CreatedAt: now, UpdatedAt: now,
		Participants: []beseda.Ref{{ID: f.user.ID}}}
}

func TestC3_SchemaHoldsOneActiveDialogPerSubscriber(t *testing.T) {
	t.Parallel()
	for _, d := range testkit.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := testkit.OpenDB(t, d)
			f := newFixture(t, db)
			ctx := context.Background()
			create := func(status beseda.DialogStatus) error {
				return db.Update(ctx, func(tx *store.Tx) error { return tx.CreateDialog(ctx, f.dialog(status)) })
			}
			for _, s := range []beseda.DialogStatus{beseda.DialogActive, beseda.DialogPaused, beseda.DialogCompleted, beseda.DialogPaused} {
				if err := create(s); err != nil {
					t.Fatalf("create %s: %v", s, err)
				}
			}
			// Skipping the application's check, the partial unique index still refuses.
			if err := create(beseda.DialogActive); !store.IsUniqueViolation(err) {
				t.Fatalf("second active dialog: %v, want a unique violation", err)
			}
			// A rejected transaction stores nothing of itself.
			n, err := db.CountDialogs(ctx, beseda.DialogFilter{WorkspaceID: f.ws.ID})
			if err != nil || n != 4 {
				t.Errorf("%d dialogs stored (%v), want 4", n, err)
			}
			// Reactivating a paused dialog is refused by the schema as well.
			dialogs, err := db.FindDialogs(ctx, beseda.DialogFilter{WorkspaceID: f.ws.ID})
			if err != nil {
				t.Fatal(err)
			}
			paused := dialogs[0]
			paused.Status = beseda.DialogActive
			err = db.Update(ctx, func(tx *store.Tx) error { return tx.SaveDialog(ctx, paused) })
			if !store.IsUniqueViolation(err) {
				t.Errorf("reactivate next to an active dialog: %v, want a unique violation", err)
			}
		})
	}
}

func TestStoreRoundTrips(t *testing.T) {
	t.Parallel()
	for _, d := range testkit.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := testkit.OpenDB(t, d)
			f := newFixture(t, db)
			ctx := context.Background()
			dialog := f.dialog(beseda.DialogActive)
			rating := 3
			err := db.Update(ctx, func(tx *store.Tx) error {
				if err := tx.CreateDialog(ctx, dialog); err != nil {
					return err
				}
				done := time.Now().UTC().Truncate(time.Millisecond)
				dialog.Status, dialog.CompletedAt, dialog.AccountRating, dialog.RatingFormSent = beseda.DialogCompleted, &done, &rating, true
				return tx.SaveDialog(ctx, dialog)
			})
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.FindDialogByID(ctx, f.ws.ID, dialog.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != beseda.DialogCompleted || got.AccountRating == nil || *got.AccountRating != 3 ||
				!got.RatingFormSent || !got.CompletedAt.Equal(*dialog.CompletedAt) || got.Subscriber.Name != "Anna" {
				t.Errorf("read back %+v", got)
			}
			if _, err := db.FindDialogByID(ctx, f.ws.ID+1, dialog.ID); beseda.ErrorCode(err) != beseda.ENOTFOUND {
				t.Errorf("another workspace reads the dialog: %v", err)
			}
			// A second subscriber with the same external id on the channel is the same one.
			again := &beseda.Subscriber{WorkspaceID: f.ws.ID, ChannelID: f.sub.ChannelID, ExternalID: "v1", Name: "Anna again", CreatedAt: time.Now()}
			if err := db.Update(ctx, func(tx *store.Tx) error { return tx.CreateSubscriber(ctx, again) }); err != nil {
				t.Fatal(err)
			}
			if again.ID != f.sub.ID || again.Name != "Anna" {
				t.Errorf("the same client became %+v", again)
			}
		})
	}
}

// TestVacuum_LeavesEmptyTablesUnanalysed: statistics after a bulk load
// cover the tables that hold rows; an empty table keeps none, since
// PostgreSQL plans a table analysed while empty as empty, and a foreign
// key's check planned then (cached for the connection's life) scanned the
// whole dialogs table as it grew: the load test's PostgreSQL cycles fell by
// a third on a database seeded with clients only.
func TestVacuum_LeavesEmptyTablesUnanalysed(t *testing.T) {
	t.Parallel()
	for _, d := range testkit.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := testkit.OpenDB(t, d)
			newFixture(t, db) // a workspace, a user, a client; no dialogs
			ctx := context.Background()
			if err := db.Vacuum(ctx); err != nil {
				t.Fatal(err)
			}
			analysed := func(table string) bool {
				var n int
				q := `SELECT count(*) FROM sqlite_stat1 WHERE tbl = $1`
				if d == store.Postgres {
					q = `SELECT count(*) FROM pg_class WHERE relname = $1 AND relnamespace = current_schema()::regnamespace AND reltuples >= 0`
				}
				if err := db.WriteDB().QueryRowContext(ctx, q, table).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n > 0
			}
			if !analysed("subscribers") {
				t.Errorf("the clients' table, which holds a row, has no statistics")
			}
			if analysed("dialogs") {
				t.Errorf("the empty dialogs table was analysed")
			}
		})
	}
}
