package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/beseda/beseda"
)

// EventsChannel is the PostgreSQL LISTEN/NOTIFY channel that wakes every
// process's live hub when events are committed.
const EventsChannel = "beseda_events"

// AddLiveEvent appends an event to the live log, in the transaction of the
// change it reports: the event exists exactly when the change does. The
// insert is deferred (Tx.Defer); the caller has the hubs woken after commit
// (DB.LiveEventsCommitted for other processes).
func (tx *Tx) AddLiveEvent(ctx context.Context, e *beseda.LiveEvent) error {
	tx.Defer(ctx, `INSERT INTO live_events (workspace_id, user_id, kind, data, created_at) VALUES ($1, $2, $3, $4, $5)`,
		e.WorkspaceID, nullID(e.UserID), e.Kind, string(e.Data), ms(e.CreatedAt))
	return nil
}

// LiveEventsAfter returns events with ids above after, in id order.
func (r reader) LiveEventsAfter(ctx context.Context, after int64, limit int) ([]*beseda.LiveEvent, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, workspace_id, user_id, kind, data, created_at FROM live_events
		WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("live events: %w", err)
	}
	defer rows.Close()
	var out []*beseda.LiveEvent
	for rows.Next() {
		var e beseda.LiveEvent
		var user sql.NullInt64
		var data string
		var created int64
		if err := rows.Scan(&e.ID, &e.WorkspaceID, &user, &e.Kind, &data, &created); err != nil {
			return nil, fmt.Errorf("live events: %w", err)
		}
		e.UserID, e.Data, e.CreatedAt = fromNullID(user), json.RawMessage(data), fromMS(created)
		out = append(out, &e)
	}
	return out, rows.Err()
}

// LastLiveEventID is the id of the newest event, 0 if none.
func (r reader) LastLiveEventID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	if err := r.q.QueryRowContext(ctx, `SELECT max(id) FROM live_events`).Scan(&id); err != nil {
		return 0, fmt.Errorf("last live event: %w", err)
	}
	return id.Int64, nil
}

// OldestLiveEventID is the id of the oldest event kept, 0 if none.
func (r reader) OldestLiveEventID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	if err := r.q.QueryRowContext(ctx, `SELECT min(id) FROM live_events`).Scan(&id); err != nil {
		return 0, fmt.Errorf("oldest live event: %w", err)
	}
	return id.Int64, nil
}

// PruneLiveEvents forgets events older than before.
func (db *DB) PruneLiveEvents(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.Update(ctx, func(tx *Tx) error {
		res, err := tx.q.ExecContext(ctx, `DELETE FROM live_events WHERE created_at < $1`, ms(before))
		if err == nil {
			n, _ = res.RowsAffected()
		}
		return err
	})
	return n, err
}
