package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/beseda/beseda"
)

// The delivery queue of a channel is its pending messages; a delivery_queues
// row marks that a deliver job is queued or at work for it (see the
// migration). These methods keep that protocol in one place.

// MarkDeliveryDue records, in the transaction that stored pending messages of
// the channel, that the channel has work. It returns true when no deliver job
// was queued or at work, so the caller must queue one in the same
// transaction. graceUntil is when the sweep may assume the new job is lost.
//
// Bumping seq locks the row until commit, so a deliverer deciding that the
// queue is empty waits for this transaction and then sees its messages.
func (tx *Tx) MarkDeliveryDue(ctx context.Context, channelID int64, graceUntil time.Time) (bool, error) {
	for range 2 {
		res, err := tx.q.ExecContext(ctx, `UPDATE delivery_queues SET seq = seq + 1 WHERE channel_id = $1`, channelID)
		if err != nil {
			return false, fmt.Errorf("mark delivery due: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return false, nil
		}
		res, err = tx.q.ExecContext(ctx, `INSERT INTO delivery_queues (channel_id, seq, holder, expires_at)
			VALUES ($1, 1, '', $2) ON CONFLICT (channel_id) DO NOTHING`, channelID, ms(graceUntil))
		if err != nil {
			return false, fmt.Errorf("mark delivery due: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return true, nil
		}
		// Another transaction inserted the row meanwhile: bump it instead.
	}
	return false, fmt.Errorf("mark delivery due: channel %d: the queue row keeps changing", channelID)
}

// AcquireDelivery takes the channel's delivery lease for holder until the
// given time: when it is free, expired, or already the holder's. It returns
// the previous holder ("" if none) and false when there is no queue row
// (nothing to deliver) or a live holder has it.
func (db *DB) AcquireDelivery(ctx context.Context, channelID int64, holder string, now, until time.Time) (acquired bool, previous string, err error) {
	err = db.Update(ctx, func(tx *Tx) error {
		var expires int64
		err := tx.q.QueryRowContext(ctx, `SELECT holder, expires_at FROM delivery_queues q WHERE channel_id = $1`+
			tx.forUpdate("q"), channelID).Scan(&previous, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		if previous != "" && previous != holder && expires >= ms(now) {
			return nil
		}
		_, err = tx.q.ExecContext(ctx, `UPDATE delivery_queues SET holder = $1, expires_at = $2 WHERE channel_id = $3`,
			holder, ms(until), channelID)
		acquired = err == nil
		return err
	})
	if err != nil {
		return false, "", fmt.Errorf("acquire delivery: %w", err)
	}
	return acquired, previous, nil
}

// RenewDelivery extends the holder's lease; false means it was lost.
func (db *DB) RenewDelivery(ctx context.Context, channelID int64, holder string, until time.Time) (bool, error) {
	var n int64
	err := db.Update(ctx, func(tx *Tx) error {
		res, err := tx.q.ExecContext(ctx, `UPDATE delivery_queues SET expires_at = $1 WHERE channel_id = $2 AND holder = $3`,
			ms(until), channelID, holder)
		if err == nil {
			n, _ = res.RowsAffected()
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("renew delivery: %w", err)
	}
	return n == 1, nil
}

// FinishDelivery removes the channel's queue row if nothing is pending any
// more and holder still holds it. It returns false if messages are pending:
// the deliverer must go on. The row lock makes it wait for producers that are
// adding messages right now.
func (db *DB) FinishDelivery(ctx context.Context, channelID int64, holder string) (bool, error) {
	done := false
	err := db.Update(ctx, func(tx *Tx) error {
		var current string
		err := tx.q.QueryRowContext(ctx, `SELECT holder FROM delivery_queues q WHERE channel_id = $1`+tx.forUpdate("q"),
			channelID).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && current != holder) {
			done = true // someone else is on it
			return nil
		} else if err != nil {
			return err
		}
		var one int
		err = tx.q.QueryRowContext(ctx, `SELECT 1 FROM messages WHERE channel_id = $1 AND status = 'pending' LIMIT 1`,
			channelID).Scan(&one)
		if err == nil {
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		done = true
		_, err = tx.q.ExecContext(ctx, `DELETE FROM delivery_queues WHERE channel_id = $1`, channelID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("finish delivery: %w", err)
	}
	return done, nil
}

// StrandedDeliveries returns the channels whose deliver job is lost: a queue
// row whose lease ran out, or pending messages with no queue row. It pushes
// their lease forward to graceUntil (so that one sweep queues one job) and
// creates missing rows.
func (tx *Tx) StrandedDeliveries(ctx context.Context, now, graceUntil time.Time) ([]int64, error) {
	rows, err := tx.q.QueryContext(ctx, `
		SELECT channel_id FROM delivery_queues WHERE expires_at < $1
		UNION
		SELECT DISTINCT m.channel_id FROM messages m
		WHERE m.status = 'pending' AND NOT EXISTS (SELECT 1 FROM delivery_queues q WHERE q.channel_id = m.channel_id)`,
		ms(now))
	if err != nil {
		return nil, fmt.Errorf("stranded deliveries: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("stranded deliveries: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stranded deliveries: %w", err)
	}
	for _, id := range ids {
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO delivery_queues (channel_id, seq, holder, expires_at)
			VALUES ($1, 1, '', $2) ON CONFLICT (channel_id) DO UPDATE SET holder = '', expires_at = $2`,
			id, ms(graceUntil)); err != nil {
			return nil, fmt.Errorf("stranded deliveries: %w", err)
		}
	}
	return ids, nil
}

// ExpireDeliveryLeases frees every delivery lease. A single process on SQLite
// calls it at start: any holder is a previous run of itself.
func (db *DB) ExpireDeliveryLeases(ctx context.Context) error {
	return db.Update(ctx, func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, `UPDATE delivery_queues SET holder = '', expires_at = 0`)
		return err
	})
}

// PendingMessages returns the oldest pending messages of a channel, in order.
// Index messages_pending serves it.
func (r reader) PendingMessages(ctx context.Context, channelID int64, limit int) ([]*beseda.Message, error) {
	return r.findMessages(ctx, `SELECT `+messageColumns+` FROM messages m
		WHERE m.channel_id = $1 AND m.status = 'pending' ORDER BY m.id LIMIT $2`, channelID, limit)
}

// NextPendingPerSubscriber returns, for up to limit clients of the channel,
// the oldest pending message of each, oldest first: a chat whose head message
// waits (pacing, retry) must not let later messages overtake it, while other
// chats go on.
func (r reader) NextPendingPerSubscriber(ctx context.Context, channelID int64, limit int) ([]*beseda.Message, error) {
	return r.findMessages(ctx, `SELECT `+messageColumns+` FROM messages m
		WHERE m.channel_id = $1 AND m.status = 'pending'
		AND NOT EXISTS (SELECT 1 FROM messages e WHERE e.subscriber_id = m.subscriber_id AND e.status = 'pending' AND e.id < m.id)
		ORDER BY m.id LIMIT $2`, channelID, limit)
}

func (r reader) findMessages(ctx context.Context, query string, args ...any) ([]*beseda.Message, error) {
	rows, err := r.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("find messages: %w", err)
	}
	defer rows.Close()
	var out []*beseda.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("find messages: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// HasPending reports whether the client has messages waiting for delivery.
func (r reader) HasPending(ctx context.Context, subscriberID int64) (bool, error) {
	var one int
	err := r.q.QueryRowContext(ctx, `SELECT 1 FROM messages WHERE subscriber_id = $1 AND status = 'pending' LIMIT 1`,
		subscriberID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// SubscribersWithPending returns which of the clients have messages waiting.
func (r reader) SubscribersWithPending(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := r.inIDs("subscriber_id", 1, ids)
	rows, err := r.q.QueryContext(ctx, `SELECT DISTINCT subscriber_id FROM messages WHERE status = 'pending' AND `+in, args...)
	if err != nil {
		return nil, fmt.Errorf("subscribers with pending: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// LockSubscribers locks the clients' rows (see lockSubscribers) and returns
// them with their active dialogs.
func (tx *Tx) LockSubscribers(ctx context.Context, ids []int64) (map[int64]*beseda.Subscriber, error) {
	out := make(map[int64]*beseda.Subscriber, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := tx.inIDs("s.id", 1, ids)
	subs, err := tx.lockSubscribers(ctx, in, args...)
	if err != nil {
		return nil, fmt.Errorf("lock subscribers: %w", err)
	}
	for _, s := range subs {
		out[s.ID] = s
	}
	return out, nil
}

// SetStatus moves pending messages to status: sent (with the time), held or
// dropped (with the reason). Messages no longer pending are left alone.
func (tx *Tx) SetStatus(ctx context.Context, ids []int64, status beseda.MessageStatus, reason string, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	var sentAt any
	if status == beseda.MessageSent {
		sentAt = ms(at)
	}
	in, args := tx.inIDs("id", 4, ids)
	_, err := tx.q.ExecContext(ctx, `UPDATE messages SET status = $1, reason = $2, sent_at = $3, sending_at = NULL
		WHERE status = 'pending' AND `+in, append([]any{string(status), reason, sentAt}, args...)...)
	if err != nil {
		return fmt.Errorf("set message status: %w", err)
	}
	return nil
}

// MarkSending records that a send of the message is starting.
func (tx *Tx) MarkSending(ctx context.Context, id int64, at time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE messages SET sending_at = $1 WHERE id = $2`, ms(at), id); err != nil {
		return fmt.Errorf("mark sending: %w", err)
	}
	return nil
}

// MarkSent records a finished send with the messenger's id of the message.
func (tx *Tx) MarkSent(ctx context.Context, id int64, externalID string, at time.Time) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE messages SET status = 'sent', sent_at = $1, sending_at = NULL,
		external_id = $2, next_attempt_at = NULL, reason = '' WHERE id = $3`, ms(at), nullString(externalID), id)
	if err != nil {
		return fmt.Errorf("mark sent: %w", err)
	}
	return nil
}

// MarkRetry records a failed attempt and when to try again.
func (tx *Tx) MarkRetry(ctx context.Context, id int64, attempts int, next time.Time, reason string) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE messages SET attempts = $1, next_attempt_at = $2, sending_at = NULL, reason = $3
		WHERE id = $4`, attempts, ms(next), reason, id)
	if err != nil {
		return fmt.Errorf("mark retry: %w", err)
	}
	return nil
}

// MarkFailed gives up on a message with the reason.
func (tx *Tx) MarkFailed(ctx context.Context, id int64, attempts int, reason string) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE messages SET status = 'failed', attempts = $1, reason = $2, sending_at = NULL,
		next_attempt_at = NULL WHERE id = $3`, attempts, reason, id)
	if err != nil {
		return fmt.Errorf("mark failed: %w", err)
	}
	return nil
}

// FailInFlight fails the channel's messages whose send was in flight when a
// previous deliverer stopped: they may have reached the client, so they are
// not sent again (at most once), and the failure is visible.
func (tx *Tx) FailInFlight(ctx context.Context, channelID int64, reason string) (int64, error) {
	res, err := tx.q.ExecContext(ctx, `UPDATE messages SET status = 'failed', reason = $1, sending_at = NULL
		WHERE channel_id = $2 AND status = 'pending' AND sending_at IS NOT NULL`, reason, channelID)
	if err != nil {
		return 0, fmt.Errorf("fail in-flight: %w", err)
	}
	return res.RowsAffected()
}

// ReleaseHeld turns the client's held messages into pending ones, keeping
// their order (G2), and returns how many.
func (tx *Tx) ReleaseHeld(ctx context.Context, subscriberID int64) (int64, error) {
	res, err := tx.q.ExecContext(ctx, `UPDATE messages SET status = 'pending' WHERE subscriber_id = $1 AND status = 'held'`,
		subscriberID)
	if err != nil {
		return 0, fmt.Errorf("release held: %w", err)
	}
	return res.RowsAffected()
}

// CreateMessages inserts outgoing messages in one statement and sets their
// IDs (consecutive, in order: the transaction is the only writer of them).
func (tx *Tx) CreateMessages(ctx context.Context, msgs []*beseda.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	const cols = 12
	args := make([]any, 0, len(msgs)*cols)
	for _, m := range msgs {
		buttons, err := encodeButtons(m.Buttons)
		if err != nil {
			return err
		}
		args = append(args, m.WorkspaceID, m.SubscriberID, m.ChannelID, string(m.Direction), string(m.Source),
			m.Text, buttons, string(m.Status), m.Reason, ms(m.CreatedAt), nullMS(m.SentAt), nullID(m.BroadcastID))
	}
	const insert = `INSERT INTO messages (workspace_id, subscriber_id, channel_id, direction, source,
		text, buttons, status, reason, created_at, sent_at, broadcast_id) `
	var ids []int64
	var err error
	if tx.dialect == Postgres {
		// One array per column: a statement with twelve parameters, not
		// twelve thousand, is much cheaper for PostgreSQL to parse and plan.
		ids, err = tx.QueryIDs(ctx, insert+`SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[],
			$5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::bigint[])
			RETURNING id`, columns(args, cols)...)
	} else {
		ids, err = tx.QueryIDs(ctx, insert+`VALUES `+tx.Values(len(msgs), cols)+` RETURNING id`, args...)
	}
	if err != nil {
		return fmt.Errorf("create messages: %w", err)
	}
	first := ids[0]
	for _, id := range ids {
		first = min(first, id)
	}
	for i, m := range msgs {
		m.ID = first + int64(i)
	}
	return nil
}

// columns turns row-major arguments into one slice per column, for unnest.
func columns(args []any, cols int) []any {
	out := make([]any, cols)
	rows := len(args) / cols
	for c := range cols {
		col := make([]any, rows)
		for r := range rows {
			col[r] = args[r*cols+c]
		}
		out[c] = col
	}
	return out
}

// TouchSubscribers records that messages were stored in the clients' chats.
func (tx *Tx) TouchSubscribers(ctx context.Context, ids []int64, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	in, args := tx.inIDs("id", 2, ids)
	_, err := tx.q.ExecContext(ctx, `UPDATE subscribers SET last_message_at = $1 WHERE `+in, append([]any{ms(at)}, args...)...)
	if err != nil {
		return fmt.Errorf("touch subscribers: %w", err)
	}
	return nil
}

// FindMessageByIdempotencyKey returns the workspace's message made with the
// key, or ENOTFOUND.
func (r reader) FindMessageByIdempotencyKey(ctx context.Context, workspaceID int64, key string) (*beseda.Message, error) {
	m, err := scanMessage(r.q.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages m
		WHERE m.workspace_id = $1 AND m.idempotency_key = $2`, workspaceID, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("message")
	} else if err != nil {
		return nil, fmt.Errorf("find message by key: %w", err)
	}
	return m, nil
}
