package store

import (
	"context"
	"fmt"
)

// CountMessagesByStatus counts all messages by status, for metrics.
func (r reader) CountMessagesByStatus(ctx context.Context) (map[string]int64, error) {
	return r.countBy(ctx, `SELECT status, count(*) FROM messages GROUP BY status`)
}

// CountHeld counts the messages the gate holds (partial index messages_held).
func (r reader) CountHeld(ctx context.Context) (int64, error) {
	var n int64
	if err := r.q.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE status = 'held'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count held: %w", err)
	}
	return n, nil
}

// CountJobsByState counts River's jobs by state, for the queue depth.
func (r reader) CountJobsByState(ctx context.Context) (map[string]int64, error) {
	return r.countBy(ctx, `SELECT state, count(*) FROM river_job GROUP BY state`)
}

func (r reader) countBy(ctx context.Context, query string) (map[string]int64, error) {
	rows, err := r.q.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("count: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("count: %w", err)
		}
		out[k] = n
	}
	return out, rows.Err()
}
