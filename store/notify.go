package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// The notifier tells the other processes on one PostgreSQL that live events
// were committed (LISTEN/NOTIFY on EventsChannel), from outside the
// transactions that wrote them. A NOTIFY inside a transaction makes its
// commit take a lock that PostgreSQL holds for every notifying commit of the
// database alike, across its WAL flush: every write of the product would
// commit one after another, whatever client it is for (D1). Here the commits
// stay apart, and the notices a burst of commits calls for are folded into one.

// notifyGap is the least time between two notices: other processes hear of
// new events within it (this process's own hub is woken directly).
const notifyGap = 5 * time.Millisecond

func (db *DB) startNotifier() {
	db.notify = startFolded(notifyGap, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		// Failures are left to the hubs' polling, which catches up anyway.
		_, _ = db.rw.ExecContext(ctx, `SELECT pg_notify($1, '')`, EventsChannel)
	})
}

// LiveEventsCommitted has the other processes' hubs told that live events
// were committed; it never waits. On SQLite (one process) it does nothing.
func (db *DB) LiveEventsCommitted() { db.notify.call() }

// ListenLiveEvents is how a process hears of the other processes' commits
// (the live hub's wake-up): on PostgreSQL it LISTENs on EventsChannel and
// calls wake once listening and on every notice, reconnecting a second after
// a lost connection (which lost is told of); after a reconnect wake is called
// once more, as notices may have been missed meanwhile. It returns when ctx
// is done, and at once on SQLite, which one process serves.
func (db *DB) ListenLiveEvents(ctx context.Context, wake func(), lost func(error)) {
	if db.dialect != Postgres {
		return
	}
	for ctx.Err() == nil {
		conn, err := pgx.Connect(ctx, db.url)
		if err == nil {
			_, err = conn.Exec(ctx, "LISTEN "+EventsChannel)
		}
		if err == nil {
			wake()
			for err == nil {
				_, err = conn.WaitForNotification(ctx)
				if err == nil {
					wake()
				}
			}
		}
		if conn != nil {
			conn.Close(context.WithoutCancel(ctx))
		}
		if ctx.Err() != nil {
			return
		}
		lost(err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}
