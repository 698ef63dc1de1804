package store

import (
	"context"
	"time"
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
