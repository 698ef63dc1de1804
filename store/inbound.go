package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/beseda/beseda"
)

// RecordInbound notes that a messenger's update was received; false means it
// was already, and must not be acted on again.
func (tx *Tx) RecordInbound(ctx context.Context, channelID int64, key string, at time.Time) (bool, error) {
	res, err := tx.q.ExecContext(ctx, `INSERT INTO inbound_updates (channel_id, update_key, received_at)
		VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, channelID, key, ms(at))
	if err != nil {
		return false, fmt.Errorf("record inbound: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// InboundFailure is a webhook event that could not be stored (SPEC H7),
// kept to be tried again.
type InboundFailure struct {
	ID            int64
	ChannelID     int64
	Event         beseda.InboundEvent
	Raw           string
	LastError     string
	Attempts      int
	ReceivedAt    time.Time
	NextAttemptAt *time.Time // nil once settled
	SettledAt     *time.Time
	Outcome       string // stored, refused or gave_up once settled
}

// Outcomes of a recorded failure.
const (
	InboundStored  = "stored"
	InboundRefused = "refused"
	InboundGaveUp  = "gave_up"
)

// CreateInboundFailure records an event that could not be stored and sets
// f.ID; false means the event (its key) already waits for a retry, and
// nothing was added. Its text is kept as valid UTF-8 whatever the platform
// sent (H1).
func (tx *Tx) CreateInboundFailure(ctx context.Context, f *InboundFailure) (bool, error) {
	event, err := json.Marshal(f.Event)
	if err != nil {
		return false, fmt.Errorf("record inbound failure: %w", err)
	}
	err = tx.q.QueryRowContext(ctx, `INSERT INTO inbound_failures (channel_id, event_key, event, raw, last_error,
			attempts, received_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (channel_id, event_key) WHERE settled_at IS NULL DO NOTHING RETURNING id`,
		f.ChannelID, beseda.SanitizeText(f.Event.Key), string(event), beseda.SanitizeText(f.Raw),
		beseda.SanitizeText(f.LastError), f.Attempts, ms(f.ReceivedAt), nullMS(f.NextAttemptAt)).Scan(&f.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("record inbound failure: %w", err)
	}
	return true, nil
}

const inboundFailureColumns = `id, channel_id, event, raw, last_error, attempts, received_at, next_attempt_at,
	settled_at, outcome`

func scanInboundFailure(row interface{ Scan(...any) error }) (*InboundFailure, error) {
	var f InboundFailure
	var event string
	var received int64
	var next, settled sql.NullInt64
	var outcome sql.NullString
	if err := row.Scan(&f.ID, &f.ChannelID, &event, &f.Raw, &f.LastError, &f.Attempts, &received, &next, &settled,
		&outcome); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(event), &f.Event); err != nil {
		return nil, fmt.Errorf("inbound failure %d: %w", f.ID, err)
	}
	f.ReceivedAt, f.NextAttemptAt, f.SettledAt, f.Outcome = fromMS(received), fromNullMS(next), fromNullMS(settled), outcome.String
	return &f, nil
}

// FindInboundFailure returns a recorded failure, or ENOTFOUND.
func (r reader) FindInboundFailure(ctx context.Context, id int64) (*InboundFailure, error) {
	f, err := scanInboundFailure(r.q.QueryRowContext(ctx,
		`SELECT `+inboundFailureColumns+` FROM inbound_failures WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("inbound failure")
	} else if err != nil {
		return nil, fmt.Errorf("find inbound failure: %w", err)
	}
	return f, nil
}

// FindInboundFailures returns a channel's recorded failures, newest first
// (index inbound_failures_channel).
func (r reader) FindInboundFailures(ctx context.Context, channelID int64, limit int) ([]*InboundFailure, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+inboundFailureColumns+` FROM inbound_failures
		WHERE channel_id = $1 ORDER BY id DESC LIMIT $2`, channelID, limit)
	if err != nil {
		return nil, fmt.Errorf("find inbound failures: %w", err)
	}
	defer rows.Close()
	out := []*InboundFailure{}
	for rows.Next() {
		f, err := scanInboundFailure(rows)
		if err != nil {
			return nil, fmt.Errorf("find inbound failures: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// RetryInboundLater notes another failed attempt and when to try next.
func (tx *Tx) RetryInboundLater(ctx context.Context, id int64, attempts int, lastError string, next time.Time) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE inbound_failures SET attempts = $1, last_error = $2, next_attempt_at = $3
		WHERE id = $4 AND settled_at IS NULL`, attempts, beseda.SanitizeText(lastError), ms(next), id)
	if err != nil {
		return fmt.Errorf("retry inbound failure: %w", err)
	}
	return nil
}

// SettleInboundFailure ends a recorded failure with its outcome.
func (tx *Tx) SettleInboundFailure(ctx context.Context, id int64, attempts int, outcome, lastError string, at time.Time) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE inbound_failures SET attempts = $1, outcome = $2, last_error = $3,
			settled_at = $4, next_attempt_at = NULL WHERE id = $5 AND settled_at IS NULL`,
		attempts, outcome, beseda.SanitizeText(lastError), ms(at), id)
	if err != nil {
		return fmt.Errorf("settle inbound failure: %w", err)
	}
	return nil
}
