package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/beseda/beseda"
)

const messageColumns = `m.id, m.workspace_id, m.subscriber_id, m.channel_id, m.dialog_id, m.direction, m.source,
	m.author_id, m.text, m.buttons, m.status, m.reason, m.created_at, m.sent_at,
	m.idempotency_key, m.broadcast_id, m.attempts, m.next_attempt_at, m.sending_at, m.external_id,
	m.attachments, m.internal, m.parts_sent, m.released_at, m.resent, m.delivered_at, m.read_at,
	m.template, m.fallback`

// chatOrder is a message's place in its client's chat (index messages_chat):
// twice its id, or, for held automation released after a dialog, the odd
// place it took at the release (ReleaseHeld). Ties (messages released
// together) go by id, their production order (G2).
const chatOrder = `coalesce(m.chat_place, 2 * m.id)`

func scanMessage(row interface{ Scan(...any) error }) (*beseda.Message, error) {
	var m beseda.Message
	var dialogID, authorID, sent, broadcastID, nextAttempt, sending, released, delivered, read sql.NullInt64
	var direction, source, buttons, status, attachments string
	var idemKey, externalID, template, fallback sql.NullString
	var created int64
	if err := row.Scan(&m.ID, &m.WorkspaceID, &m.SubscriberID, &m.ChannelID, &dialogID, &direction, &source,
		&authorID, &m.Text, &buttons, &status, &m.Reason, &created, &sent,
		&idemKey, &broadcastID, &m.Attempts, &nextAttempt, &sending, &externalID,
		&attachments, &m.Internal, &m.PartsSent, &released, &m.Resent, &delivered, &read,
		&template, &fallback); err != nil {
		return nil, err
	}
	m.IdempotencyKey, m.ExternalID, m.BroadcastID = idemKey.String, externalID.String, fromNullID(broadcastID)
	m.NextAttemptAt, m.SendingAt = fromNullMS(nextAttempt), fromNullMS(sending)
	m.DialogID, m.AuthorID = fromNullID(dialogID), fromNullID(authorID)
	m.Direction, m.Source, m.Status = beseda.Direction(direction), beseda.Source(source), beseda.MessageStatus(status)
	m.CreatedAt, m.SentAt, m.ReleasedAt = fromMS(created), fromNullMS(sent), fromNullMS(released)
	m.DeliveredAt, m.ReadAt = fromNullMS(delivered), fromNullMS(read)
	for _, t := range []struct {
		col sql.NullString
		to  **beseda.TemplateRef
	}{{template, &m.Template}, {fallback, &m.Fallback}} {
		if t.col.String != "" {
			if err := json.Unmarshal([]byte(t.col.String), t.to); err != nil {
				return nil, fmt.Errorf("message %d template: %w", m.ID, err)
			}
		}
	}
	m.Buttons = []beseda.Button{}
	if buttons != "" {
		if err := json.Unmarshal([]byte(buttons), &m.Buttons); err != nil {
			return nil, fmt.Errorf("message %d buttons: %w", m.ID, err)
		}
	}
	var err error
	if m.Attachments, err = decodeAttachments(attachments); err != nil {
		return nil, fmt.Errorf("message %d attachments: %w", m.ID, err)
	}
	return &m, nil
}

// templateJSON is a template reference as stored: JSON, or NULL.
func templateJSON(t *beseda.TemplateRef) any {
	if t == nil {
		return nil
	}
	b, _ := json.Marshal(t)
	return string(b)
}

func encodeButtons(b []beseda.Button) (string, error) {
	if len(b) == 0 {
		return "", nil
	}
	data, err := json.Marshal(b)
	return string(data), err
}

// CreateMessage inserts m and sets its ID.
func (tx *Tx) CreateMessage(ctx context.Context, m *beseda.Message) error {
	buttons, err := encodeButtons(m.Buttons)
	if err != nil {
		return fmt.Errorf("create message: %w", err)
	}
	attachments, err := encodeAttachments(m.Attachments)
	if err != nil {
		return fmt.Errorf("create message: %w", err)
	}
	err = tx.q.QueryRowContext(ctx, `
		INSERT INTO messages (workspace_id, subscriber_id, channel_id, dialog_id, direction, source, author_id,
			text, buttons, status, reason, created_at, sent_at, idempotency_key, broadcast_id, attachments, internal,
			template, fallback)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
		m.WorkspaceID, m.SubscriberID, m.ChannelID, nullID(m.DialogID), string(m.Direction), string(m.Source),
		nullID(m.AuthorID), m.Text, buttons, string(m.Status), m.Reason, ms(m.CreatedAt), nullMS(m.SentAt),
		nullString(m.IdempotencyKey), nullID(m.BroadcastID), attachments, m.Internal,
		templateJSON(m.Template), templateJSON(m.Fallback)).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("create message: %w", err)
	}
	normalizeMessage(m)
	return nil
}

// shownStatus is, in SQL, the status of a deliverable message to a client
// who sees what is stored (the web chat, a channel with no sender): sent at
// once, unless older messages of the client still wait for delivery — then
// pending behind them, and the engine shows it in its turn (outbox). The
// rule's one place in SQL: one message (CreateMessageUnlessQueued) and a
// broadcast's batch (ProduceBroadcastBatch) both use it. subscriber is the
// client's id as an SQL expression; index messages_pending_subscriber serves
// the probe.
func shownStatus(subscriber string) string {
	return `CASE WHEN EXISTS (SELECT 1 FROM messages w WHERE w.subscriber_id = ` + subscriber +
		` AND w.status = 'pending') THEN 'pending' ELSE 'sent' END`
}

// CreateMessageUnlessQueued inserts m, a pending message to a client whose
// channel needs no sender, with the status shownStatus decides. One
// statement; m.ID, m.Status and m.SentAt are set to what was stored.
func (tx *Tx) CreateMessageUnlessQueued(ctx context.Context, m *beseda.Message) error {
	buttons, err := encodeButtons(m.Buttons)
	if err != nil {
		return fmt.Errorf("create message: %w", err)
	}
	attachments, err := encodeAttachments(m.Attachments)
	if err != nil {
		return fmt.Errorf("create message: %w", err)
	}
	var status string
	err = tx.q.QueryRowContext(ctx, `
		WITH q AS (SELECT `+shownStatus("$2")+` AS status)
		INSERT INTO messages (workspace_id, subscriber_id, channel_id, dialog_id, direction, source, author_id,
			text, buttons, status, reason, created_at, sent_at, idempotency_key, broadcast_id, attachments, internal)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, q.status, $10, $11,
			CASE WHEN q.status = 'sent' THEN CAST($11 AS BIGINT) END, $12, $13, $14, $15 FROM q
		RETURNING id, status`,
		m.WorkspaceID, m.SubscriberID, m.ChannelID, nullID(m.DialogID), string(m.Direction), string(m.Source),
		nullID(m.AuthorID), m.Text, buttons, m.Reason, ms(m.CreatedAt),
		nullString(m.IdempotencyKey), nullID(m.BroadcastID), attachments, m.Internal).Scan(&m.ID, &status)
	if err != nil {
		return fmt.Errorf("create message: %w", err)
	}
	m.Status, m.SentAt = beseda.MessageStatus(status), nil
	if m.Status == beseda.MessageSent {
		m.SentAt = &m.CreatedAt
	}
	normalizeMessage(m)
	return nil
}

// FindMessageByID returns ENOTFOUND if the message is not in the workspace.
func (r reader) FindMessageByID(ctx context.Context, workspaceID, id int64) (*beseda.Message, error) {
	m, err := scanMessage(r.q.QueryRowContext(ctx,
		`SELECT `+messageColumns+` FROM messages m WHERE m.id = $1 AND m.workspace_id = $2`, id, workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("message")
	} else if err != nil {
		return nil, fmt.Errorf("find message: %w", err)
	}
	return m, nil
}

// FindMessages returns one page of a chat in the chat's order: the newest
// messages, or those before the message BeforeID, or those after the message
// AfterID. A client's chat is in chat order (chatOrder), served by index
// messages_chat; a cursor is the place of the message it names (an id the
// chat does not have stands at the place it would have had). A dialog's
// messages are in id order, served by index messages_dialog: automation,
// the only thing ever released, is never in a dialog.
func (r reader) FindMessages(ctx context.Context, f beseda.MessageFilter) ([]*beseda.Message, error) {
	where, args := []string{"m.workspace_id = $1"}, []any{f.WorkspaceID}
	key := "m.id"
	cursor := func(op string, id int64) {
		args = append(args, id)
		where = append(where, fmt.Sprintf("m.id %s $%d", op, len(args)))
	}
	if f.DialogID != nil {
		args = append(args, *f.DialogID)
		where = append(where, fmt.Sprintf("m.dialog_id = $%d", len(args)))
	} else {
		args = append(args, f.SubscriberID)
		where = append(where, fmt.Sprintf("m.subscriber_id = $%d", len(args)))
		key = chatOrder
		sub := len(args)
		cursor = func(op string, id int64) {
			// No id comes near this; beyond it, twice the id would not fit
			// a BIGINT.
			args = append(args, min(id, math.MaxInt64/2))
			n := len(args)
			place := fmt.Sprintf(`coalesce((SELECT coalesce(c.chat_place, 2 * c.id) FROM messages c
				WHERE c.id = $%d AND c.subscriber_id = $%d), 2 * $%d)`, n, sub, n)
			// The plain bound lets SQLite range over the index; the row
			// value decides between messages of one place.
			where = append(where, fmt.Sprintf(`%s %s= %s AND (%s, m.id) %s (%s, $%d)`, key, op, place, key, op, place, n))
		}
	}
	if f.VisibleToClient {
		where = append(where, "(m.direction = 'in' OR (m.status = 'sent' AND NOT m.internal))")
	}
	order := "DESC"
	if f.Forward || f.AfterID > 0 {
		cursor(">", f.AfterID)
		order = "ASC"
	} else if f.BeforeID > 0 {
		cursor("<", f.BeforeID)
	}
	args = append(args, limit(f.Limit, 50, 500))
	orderBy := key + " " + order
	if key != "m.id" {
		orderBy += ", m.id " + order
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+messageColumns+` FROM messages m WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(" ORDER BY %s LIMIT $%d", orderBy, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("find messages: %w", err)
	}
	defer rows.Close()
	out := []*beseda.Message{}
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("find messages: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find messages: %w", err)
	}
	if order == "DESC" {
		slices.Reverse(out)
	}
	return out, nil
}

// FindButton returns the button with the payload among the last messages
// delivered to the subscriber, or EINVALID: a client can only tap buttons they
// were sent.
func (r reader) FindButton(ctx context.Context, subscriberID int64, payload string) (*beseda.Button, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT m.buttons FROM messages m
		WHERE m.subscriber_id = $1 AND m.buttons <> '' AND m.status = 'sent'
		ORDER BY `+chatOrder+` DESC, m.id DESC LIMIT 100`, subscriberID)
	if err != nil {
		return nil, fmt.Errorf("find button: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var raw string
		var buttons []beseda.Button
		if err := rows.Scan(&raw); err != nil {
			return nil, fmt.Errorf("find button: %w", err)
		}
		if err := json.Unmarshal([]byte(raw), &buttons); err != nil {
			return nil, fmt.Errorf("find button: %w", err)
		}
		for _, b := range buttons {
			if b.Payload == payload {
				return &b, nil
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find button: %w", err)
	}
	return nil, beseda.Errorf(beseda.EINVALID, "no such button was sent to this client")
}
