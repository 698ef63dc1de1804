package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/beseda/beseda"
)

// The delivery queue of a channel is its pending messages, in id order; the
// engine (package outbox) works through it under a lease (leases.go). These
// methods are its reads and writes.

// HoldsLease reports, in the transaction of a claim, whether the lease is
// still the holder's and has not run out. On PostgreSQL it keeps the lease
// row from changing hands until the claim commits, so that a new holder's
// recovery of in-flight messages sees every claim of the old one.
func (tx *Tx) HoldsLease(ctx context.Context, lease *Lease, now time.Time) (bool, error) {
	q := `SELECT 1 FROM delivery_leases WHERE channel_id = $1 AND holder = $2 AND expires_at > $3`
	if tx.dialect == Postgres {
		q += ` FOR SHARE`
	}
	var one int
	err := tx.q.QueryRowContext(ctx, q, lease.ChannelID, lease.Holder, ms(now)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("holds lease: %w", err)
	}
	return true, nil
}

// ClaimMessage marks a pending message as being sent. It succeeds once per
// attempt: only while the message is pending and no send of it is in flight
// (D2).
func (tx *Tx) ClaimMessage(ctx context.Context, id int64, at time.Time) (bool, error) {
	res, err := tx.q.ExecContext(ctx, `UPDATE messages SET sending_at = $1
		WHERE id = $2 AND status = 'pending' AND sending_at IS NULL`, ms(at), id)
	if err != nil {
		return false, fmt.Errorf("claim message: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ChannelHasPending reports whether the channel has messages waiting.
// Index messages_pending serves it.
func (r reader) ChannelHasPending(ctx context.Context, channelID int64) (bool, error) {
	var one int
	err := r.q.QueryRowContext(ctx, `SELECT 1 FROM messages WHERE channel_id = $1 AND status = 'pending' LIMIT 1`,
		channelID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("channel has pending: %w", err)
	}
	return true, nil
}

// StrandedChannels returns the channels with pending messages that no live
// deliverer holds: on PostgreSQL, no process holds the channel's lock; on
// SQLite, no lease that has not run out at now.
func (db *DB) StrandedChannels(ctx context.Context, now time.Time) ([]int64, error) {
	if db.dialect == SQLite {
		ids, err := db.queryIDs(ctx, `SELECT DISTINCT m.channel_id FROM messages m WHERE m.status = 'pending'
			AND NOT EXISTS (SELECT 1 FROM delivery_leases l
				WHERE l.channel_id = m.channel_id AND l.holder <> '' AND l.expires_at > $1)`, ms(now))
		return ids, wrap("stranded channels", err)
	}
	ids, err := db.queryIDs(ctx, `SELECT DISTINCT channel_id FROM messages WHERE status = 'pending'`)
	if err != nil || len(ids) == 0 {
		return nil, wrap("stranded channels", err)
	}
	// pg_locks covers the whole server: only this database's locks count.
	locked, err := db.queryIDs(ctx, `SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND classid = $1 AND objsubid = 2`, leaseLockSpace)
	if err != nil {
		return nil, wrap("stranded channels", err)
	}
	held := map[int32]bool{}
	for _, k := range locked {
		held[int32(k)] = true
	}
	out := ids[:0]
	for _, id := range ids {
		if !held[lockKey(id)] {
			out = append(out, id)
		}
	}
	return out, nil
}

func (r reader) queryIDs(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := r.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ResetDeliveryLeases frees, on SQLite, every delivery lease: one process
// uses it, so a holder found at start is a previous run of itself. On
// PostgreSQL, where processes share the database, a dead holder's lease went
// with its lock session, and a live one's is not ours to free: it does
// nothing.
func (db *DB) ResetDeliveryLeases(ctx context.Context) error {
	if db.Dialect() != SQLite {
		return nil
	}
	return wrap("reset delivery leases", db.Update(ctx, func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, `UPDATE delivery_leases SET holder = '', expires_at = 0 WHERE holder <> ''`)
		return err
	}))
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

// MarkSent records a finished send with the messenger's id of the message.
func (tx *Tx) MarkSent(ctx context.Context, id int64, externalID string, at time.Time) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE messages SET status = 'sent', sent_at = $1, sending_at = NULL,
		external_id = $2, next_attempt_at = NULL, reason = '' WHERE id = $3`, ms(at), nullString(externalID), id)
	if err != nil {
		return fmt.Errorf("mark sent: %w", err)
	}
	return nil
}

// MarkRetry records a failed attempt, how many of the message's parts went
// out, and when to try again. A message no longer pending (its platform
// reported it meanwhile, ConfirmSent) is left alone.
func (tx *Tx) MarkRetry(ctx context.Context, id int64, attempts, partsSent int, next time.Time, reason string) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE messages SET attempts = $1, next_attempt_at = $2, sending_at = NULL, reason = $3,
		parts_sent = $4 WHERE id = $5 AND status = 'pending'`, attempts, ms(next), reason, partsSent, id)
	if err != nil {
		return fmt.Errorf("mark retry: %w", err)
	}
	return nil
}

// MarkFailed gives up on a pending message with the reason.
func (tx *Tx) MarkFailed(ctx context.Context, id int64, attempts int, reason string) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE messages SET status = 'failed', attempts = $1, reason = $2, sending_at = NULL,
		next_attempt_at = NULL WHERE id = $3 AND status = 'pending'`, attempts, reason, id)
	if err != nil {
		return fmt.Errorf("mark failed: %w", err)
	}
	return nil
}

// ResumeInFlight puts back in the queue the channel's messages whose send
// was in flight when a previous deliverer stopped, and returns them (id,
// workspace, client). Whether they reached the platform is unknown: each is
// marked resent and, when wait > 0 (the platform reports what it took, see
// ConfirmSent), due only wait after its send, so that the report can come
// first; else it is due at once. Index messages_pending serves it.
func (tx *Tx) ResumeInFlight(ctx context.Context, channelID int64, wait time.Duration) ([]*beseda.Message, error) {
	rows, err := tx.q.QueryContext(ctx, `UPDATE messages SET resent = TRUE,
		next_attempt_at = CASE WHEN $1 > 0 THEN sending_at + $1 END, sending_at = NULL
		WHERE channel_id = $2 AND status = 'pending' AND sending_at IS NOT NULL
		RETURNING id, workspace_id, subscriber_id`, wait.Milliseconds(), channelID)
	if err != nil {
		return nil, fmt.Errorf("resume in-flight: %w", err)
	}
	defer rows.Close()
	var out []*beseda.Message
	for rows.Next() {
		m := &beseda.Message{ChannelID: channelID, Status: beseda.MessagePending, Resent: true}
		if err := rows.Scan(&m.ID, &m.WorkspaceID, &m.SubscriberID); err != nil {
			return nil, fmt.Errorf("resume in-flight: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// ConfirmSent records as sent a pending message of the channel that its
// platform reports it took: a send whose outcome its deliverer did not learn
// (a crash, a lost answer). It was not sent twice, so resent is cleared. It
// returns the message (id, workspace, client), or nil when it is not pending
// (recorded already, or not the channel's).
func (tx *Tx) ConfirmSent(ctx context.Context, channelID, id int64, externalID string, at time.Time) (*beseda.Message, error) {
	m := &beseda.Message{ID: id, ChannelID: channelID, Status: beseda.MessageSent}
	err := tx.q.QueryRowContext(ctx, `UPDATE messages SET status = 'sent', sent_at = $1, sending_at = NULL,
		external_id = $2, next_attempt_at = NULL, reason = '', resent = FALSE
		WHERE id = $3 AND channel_id = $4 AND status = 'pending' RETURNING workspace_id, subscriber_id`,
		ms(at), nullString(externalID), id, channelID).Scan(&m.WorkspaceID, &m.SubscriberID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("confirm sent: %w", err)
	}
	return m, nil
}

// ReleaseHeld turns the client's held messages into pending ones, keeping
// their order (G2), and returns how many. They take their place in the chat
// at the release (see chatOrder): the odd place just after the chat's last
// message, so that the client and the managers see them after what was said
// meanwhile; released_at records when. Automation an earlier release left
// still on its way (pending, held again by delivery during a dialog or not
// reached yet) moves with them, so that what one release set out keeps its
// production order however delivery cut it.
func (tx *Tx) ReleaseHeld(ctx context.Context, subscriberID int64, at time.Time) (int64, error) {
	// The place: messages_chat read from its end. What moves: the partial
	// indexes messages_held and messages_pending_subscriber, one each, so
	// that a release reads what it moves and not the whole chat (with the
	// two conditions joined by OR, SQLite walked every message of the
	// client through messages_chat, at each completion).
	res, err := tx.q.ExecContext(ctx, `UPDATE messages SET status = 'pending', released_at = $2,
		chat_place = (SELECT `+chatOrder+` FROM messages m WHERE m.subscriber_id = $1
			AND NOT (m.status = 'held' OR (m.status = 'pending' AND m.released_at IS NOT NULL))
			ORDER BY `+chatOrder+` DESC, m.id DESC LIMIT 1) | 1
		WHERE id IN (SELECT id FROM messages WHERE subscriber_id = $1 AND status = 'held'
			UNION ALL SELECT id FROM messages WHERE subscriber_id = $1 AND status = 'pending' AND released_at IS NOT NULL)`,
		subscriberID, ms(at))
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
		normalizeMessage(m)
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
