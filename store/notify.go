package store

import (
	"context"
	"time"
)

// notifier tells the other processes on one PostgreSQL that live events were
// committed (LISTEN/NOTIFY on EventsChannel), from outside the transactions
// that wrote them. A NOTIFY inside a transaction makes its commit take a
// lock that PostgreSQL holds for every notifying commit of the database
// alike, across its WAL flush: every write of the product would commit one
// after another, whatever client it is for (D1). Here the commits stay
// apart, and the notices a burst of commits calls for are folded into one.
type notifier struct {
	kick chan struct{}
	done chan struct{}
	stop chan struct{}
}

// notifyGap is the least time between two notices: other processes hear of
// new events within it (this process's own hub is woken directly).
const notifyGap = 5 * time.Millisecond

func (db *DB) startNotifier() {
	n := &notifier{kick: make(chan struct{}, 1), done: make(chan struct{}), stop: make(chan struct{})}
	db.notify = n
	go func() {
		defer close(n.done)
		for {
			select {
			case <-n.stop:
				return
			case <-n.kick:
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			// Failures are left to the hubs' polling, which catches up anyway.
			_, _ = db.rw.ExecContext(ctx, `SELECT pg_notify($1, '')`, EventsChannel)
			cancel()
			select {
			case <-n.stop:
				return
			case <-time.After(notifyGap):
			}
		}
	}()
}

// LiveEventsCommitted has the other processes' hubs told that live events
// were committed; it never waits. On SQLite (one process) it does nothing.
func (db *DB) LiveEventsCommitted() {
	if db.notify == nil {
		return
	}
	select {
	case db.notify.kick <- struct{}{}:
	default: // a notice is on its way already
	}
}

func (db *DB) stopNotifier() {
	if db.notify != nil {
		close(db.notify.stop)
		<-db.notify.done
	}
}
