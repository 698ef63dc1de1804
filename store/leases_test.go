package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestD2_AClaimNeedsTheLease: one deliverer per channel; a message is claimed
// once per attempt, and only by the holder of an unexpired lease.
func TestD2_AClaimNeedsTheLease(t *testing.T) {
	t.Parallel()
	for _, d := range testkit.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := testkit.OpenDB(t, d)
			f := newFixture(t, db)
			ctx := context.Background()
			now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			m := &beseda.Message{WorkspaceID: f.ws.ID, SubscriberID: f.sub.ID, ChannelID: f.sub.ChannelID,
				Direction: beseda.DirectionOut, Source: beseda.SourceSystem, Text: "hi", Status: beseda.MessagePending, CreatedAt: now}
			if err := db.Update(ctx, func(tx *store.Tx) error { return tx.CreateMessage(ctx, m) }); err != nil {
				t.Fatal(err)
			}
			a, b := db.Leases(), db.Leases() // two processes
			defer a.Close()
			defer b.Close()
			ch := f.sub.ChannelID
			leaseA, err := a.Acquire(ctx, ch, "a/1", now, now.Add(30*time.Second))
			if err != nil || leaseA == nil {
				t.Fatalf("first acquire: %v %v", leaseA, err)
			}
			if l, err := b.Acquire(ctx, ch, "b/1", now.Add(10*time.Second), now.Add(40*time.Second)); l != nil || err != nil {
				t.Fatalf("a second holder took a live lease: %v %v", l, err)
			}
			claim := func(lease *store.Lease, at time.Time) (held, claimed bool) {
				t.Helper()
				err := db.Update(ctx, func(tx *store.Tx) error {
					var err error
					if held, err = tx.HoldsLease(ctx, lease, at); err != nil || !held {
						return err
					}
					claimed, err = tx.ClaimMessage(ctx, m.ID, at)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				return held, claimed
			}
			// A stalls: on PostgreSQL its session ends (the lock goes with
			// it); on SQLite its lease runs out. B takes over.
			later := now.Add(31 * time.Second)
			if d == store.Postgres {
				a.Close()
				later = now.Add(time.Second) // no need to wait for the lease to run out
			}
			var leaseB *store.Lease
			// The server ends a closed session's backend (and its locks) a
			// moment after the connection closes.
			testkit.Eventually(t, 10*time.Second, "the takeover", func() bool {
				if leaseB, err = b.Acquire(ctx, ch, "b/1", later, later.Add(30*time.Second)); err != nil {
					t.Fatal(err)
				}
				return leaseB != nil
			})
			if held, _ := claim(leaseA, later); held {
				t.Errorf("the old holder still holds the lease")
			}
			if ok, _ := a.Renew(ctx, leaseA, later.Add(30*time.Second)); ok {
				t.Errorf("the old holder renewed a lease it lost")
			}
			if held, claimed := claim(leaseB, later); !held || !claimed {
				t.Errorf("the new holder: held %v, claimed %v", held, claimed)
			}
			if _, claimed := claim(leaseB, later); claimed {
				t.Errorf("a message in flight was claimed twice")
			}
			if held, _ := claim(leaseB, later.Add(31*time.Second)); held {
				t.Errorf("an expired lease still counts as held")
			}
			// Renewing keeps it; releasing frees it for anyone.
			if ok, err := b.Renew(ctx, leaseB, later.Add(90*time.Second)); !ok || err != nil {
				t.Errorf("renew: %v %v", ok, err)
			}
			if err := b.Release(ctx, leaseB); err != nil {
				t.Fatal(err)
			}
			c := db.Leases()
			defer c.Close()
			if l, err := c.Acquire(ctx, ch, "c/1", later, later.Add(30*time.Second)); l == nil || err != nil {
				t.Errorf("acquire after a release: %v %v", l, err)
			}
		})
	}
}
