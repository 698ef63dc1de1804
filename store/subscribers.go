package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/beseda/beseda"
)

const subscriberColumns = `s.id, s.workspace_id, s.channel_id, c.kind, s.external_id, s.name, s.created_at,
	s.last_message_at, s.last_inbound_at, s.active_dialog_id, s.locale, s.assignee_id, coalesce(au.name, ''), s.waiting_since`

// subscriberJoins are the tables every read of subscribers joins: the
// channel's kind and the assignee's name.
const subscriberJoins = `
	JOIN channels c ON c.id = s.channel_id
	LEFT JOIN users au ON au.id = s.assignee_id`

// subscriberSelect reads subscribers without anyone's read mark.
const subscriberSelect = `
	SELECT ` + subscriberColumns + `, CAST(NULL AS BIGINT)
	FROM subscribers s` + subscriberJoins

// subscriberSelectFor reads subscribers with the read mark of the manager in
// parameter n: their own (chat_reads, by its key), else the one all
// managers shared before marks were per manager.
func subscriberSelectFor(n int) string { return subscriberSelectUsing(n, "") }

// subscriberSelectUsing is subscriberSelectFor reading the subscribers
// through index, on SQLite (empty: the planner's choice).
func subscriberSelectUsing(n int, index string) string {
	if index != "" {
		index = " INDEXED BY " + index
	}
	return `
	SELECT ` + subscriberColumns + `, coalesce(r.read_at, s.read_at)
	FROM subscribers s` + index + subscriberJoins + `
	LEFT JOIN chat_reads r ON r.user_id = $` + strconv.Itoa(n) + ` AND r.subscriber_id = s.id`
}

func scanSubscriber(row interface{ Scan(...any) error }) (*beseda.Subscriber, error) {
	var s beseda.Subscriber
	var kind string
	var created int64
	var lastMsg, lastIn, active, read, assignee, waiting sql.NullInt64
	var assigneeName string
	if err := row.Scan(&s.ID, &s.WorkspaceID, &s.ChannelID, &kind, &s.ExternalID, &s.Name, &created,
		&lastMsg, &lastIn, &active, &s.Locale, &assignee, &assigneeName, &waiting, &read); err != nil {
		return nil, err
	}
	if assignee.Valid {
		s.Assignee = &beseda.Ref{ID: assignee.Int64, Name: assigneeName}
	}
	s.WaitingSince = fromNullMS(waiting)
	s.ReadAt = fromNullMS(read)
	s.ChannelKind, s.CreatedAt = beseda.ChannelKind(kind), fromMS(created)
	s.LastMessageAt, s.LastInboundAt, s.ActiveDialogID = fromNullMS(lastMsg), fromNullMS(lastIn), fromNullID(active)
	return &s, nil
}

// CreateSubscriber inserts s and sets its ID. If the channel already knows the
// external id, it returns that subscriber instead (messengers identify clients
// by their own ids; a client writing twice is one subscriber).
func (tx *Tx) CreateSubscriber(ctx context.Context, s *beseda.Subscriber) error {
	err := tx.q.QueryRowContext(ctx, `
		INSERT INTO subscribers (workspace_id, channel_id, external_id, name, name_key, created_at, last_message_at, locale)
		VALUES ($1, $2, $3, $4, $5, $6, $6, $7)
		ON CONFLICT (channel_id, external_id) DO NOTHING
		RETURNING id`,
		s.WorkspaceID, s.ChannelID, s.ExternalID, s.Name, strings.ToLower(s.Name), ms(s.CreatedAt), s.Locale).Scan(&s.ID)
	if errors.Is(err, sql.ErrNoRows) {
		existing, err := scanSubscriber(tx.q.QueryRowContext(ctx,
			subscriberSelect+` WHERE s.channel_id = $1 AND s.external_id = $2`, s.ChannelID, s.ExternalID))
		if err != nil {
			return fmt.Errorf("create subscriber: %w", err)
		}
		*s = *existing
		return nil
	} else if err != nil {
		return fmt.Errorf("create subscriber: %w", err)
	}
	return nil
}

// FindSubscriberByID returns ENOTFOUND if the subscriber is not in the workspace.
func (r reader) FindSubscriberByID(ctx context.Context, workspaceID, id int64) (*beseda.Subscriber, error) {
	s, err := scanSubscriber(r.q.QueryRowContext(ctx,
		subscriberSelect+` WHERE s.id = $1 AND s.workspace_id = $2`, id, workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("subscriber")
	} else if err != nil {
		return nil, fmt.Errorf("find subscriber: %w", err)
	}
	return s, nil
}

// FindSubscriberFor returns a subscriber with the reader's read mark of the
// chat (ReadAt). Returns ENOTFOUND if the subscriber is not in the workspace.
func (r reader) FindSubscriberFor(ctx context.Context, workspaceID, id, readerID int64) (*beseda.Subscriber, error) {
	s, err := scanSubscriber(r.q.QueryRowContext(ctx,
		subscriberSelectFor(3)+` WHERE s.id = $1 AND s.workspace_id = $2`, id, workspaceID, readerID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("subscriber")
	} else if err != nil {
		return nil, fmt.Errorf("find subscriber: %w", err)
	}
	return s, nil
}

// FindSubscriberByExternalID returns the channel's subscriber with the
// messenger's id for them, or ENOTFOUND.
func (r reader) FindSubscriberByExternalID(ctx context.Context, channelID int64, externalID string) (*beseda.Subscriber, error) {
	s, err := scanSubscriber(r.q.QueryRowContext(ctx,
		subscriberSelect+` WHERE s.channel_id = $1 AND s.external_id = $2`, channelID, externalID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("subscriber")
	} else if err != nil {
		return nil, fmt.Errorf("find subscriber: %w", err)
	}
	return s, nil
}

// LockSubscriber reads the subscriber and locks its row until the transaction
// ends. Every change that the automation gate or the one-active-dialog rule
// depends on takes this lock first, so that such changes for one subscriber
// happen one after another (C3, G3). Returns ENOTFOUND.
func (tx *Tx) LockSubscriber(ctx context.Context, workspaceID, id int64) (*beseda.Subscriber, error) {
	subs, err := tx.lockSubscribers(ctx, `s.id = $1 AND s.workspace_id = $2`, id, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("lock subscriber: %w", err)
	}
	if len(subs) == 0 {
		return nil, beseda.NotFound("subscriber")
	}
	return subs[0], nil
}

// LockSubscriberOfDialog locks the row of the dialog's client and returns
// it, as LockSubscriber does. Returns ENOTFOUND if the dialog is not in the
// workspace.
func (tx *Tx) LockSubscriberOfDialog(ctx context.Context, workspaceID, dialogID int64) (*beseda.Subscriber, error) {
	subs, err := tx.lockSubscribers(ctx,
		`s.id = (SELECT subscriber_id FROM dialogs WHERE id = $1 AND workspace_id = $2)`, dialogID, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("lock subscriber: %w", err)
	}
	if len(subs) == 0 {
		return nil, beseda.NotFound("dialog")
	}
	return subs[0], nil
}

// LockSubscriberOfTimedDialog is LockSubscriberOfDialog that also tells,
// in the same statement, whether the dialog has an SLA clock. Only for a
// dialog made before the transaction began (its id came with the request):
// its clock, made with it, is then in every snapshot the statement reads,
// PostgreSQL's after waiting for the row's lock included.
func (tx *Tx) LockSubscriberOfTimedDialog(ctx context.Context, workspaceID, dialogID int64) (*beseda.Subscriber, bool, error) {
	var timed bool
	s, err := scanSubscriber(scanAlso{tx.q.QueryRowContext(ctx, `SELECT `+subscriberColumns+`, CAST(NULL AS BIGINT),
		EXISTS (SELECT 1 FROM dialog_sla x WHERE x.dialog_id = $1)
		FROM subscribers s`+subscriberJoins+`
		WHERE s.id = (SELECT subscriber_id FROM dialogs WHERE id = $1 AND workspace_id = $2)`+tx.forUpdate("s"),
		dialogID, workspaceID), []any{&timed}})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, beseda.NotFound("dialog")
	} else if err != nil {
		return nil, false, fmt.Errorf("lock subscriber: %w", err)
	}
	return s, timed, nil
}

// scanAlso scans a row's last columns into more, after those its reader
// takes.
type scanAlso struct {
	row  interface{ Scan(...any) error }
	more []any
}

func (s scanAlso) Scan(dest ...any) error { return s.row.Scan(append(dest, s.more...)...) }

// lockSubscribers locks the rows matching where, in id order so that
// concurrent lockers cannot deadlock, and reads them in the same statement.
// On PostgreSQL a statement that waited for a row lock returns the row as
// the transaction it waited for left it (the active dialog included: it is
// a column of the row), while other tables would be read as they were
// before; so whatever the lock protects lives on the row itself.
func (tx *Tx) lockSubscribers(ctx context.Context, where string, args ...any) ([]*beseda.Subscriber, error) {
	rows, err := tx.q.QueryContext(ctx, subscriberSelect+` WHERE `+where+` ORDER BY s.id`+tx.forUpdate("s"), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*beseda.Subscriber
	for rows.Next() {
		s, err := scanSubscriber(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// FindSubscribers returns subscribers of a workspace, most recently active
// first, with the read marks of f.ReaderID: one statement for the chat list.
func (r reader) FindSubscribers(ctx context.Context, f beseda.SubscriberFilter) ([]*beseda.Subscriber, error) {
	where, args := []string{"s.workspace_id = $1"}, []any{f.WorkspaceID, f.ReaderID}
	if q := strings.TrimSpace(f.Query); q != "" {
		args = append(args, "%"+escapeLike(strings.ToLower(q))+"%")
		where = append(where, fmt.Sprintf(`s.name_key LIKE $%d ESCAPE '\'`, len(args)))
	}
	// Index subscribers_recent serves the order (migration 00095); for
	// "Unassigned" its assignee column tells which chats to skip. "Mine"
	// finds the manager's chats by subscribers_assignee and sorts them:
	// SQLite's planner, which cannot tell one manager's share of the chats,
	// would otherwise read the workspace's chats in order until it found
	// a page of them.
	index := ""
	if f.AssigneeID != nil {
		args = append(args, *f.AssigneeID)
		where = append(where, fmt.Sprintf(`s.assignee_id = $%d`, len(args)))
		if r.dialect == SQLite {
			index = "subscribers_assignee"
		}
	} else if f.Unassigned {
		where = append(where, `s.assignee_id IS NULL`)
	}
	args = append(args, limit(f.Limit, 50, 500), max(f.Offset, 0))
	rows, err := r.q.QueryContext(ctx, subscriberSelectUsing(2, index)+` WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(` ORDER BY s.last_message_at DESC, s.id DESC LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("find subscribers: %w", err)
	}
	defer rows.Close()
	out := []*beseda.Subscriber{}
	for rows.Next() {
		s, err := scanSubscriber(rows)
		if err != nil {
			return nil, fmt.Errorf("find subscribers: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// TouchSubscriber records that a message was stored in the subscriber's chat;
// inbound marks that the client wrote it. The write is deferred (Tx.Defer).
func (tx *Tx) TouchSubscriber(ctx context.Context, id int64, at time.Time, inbound bool) error {
	q := `UPDATE subscribers SET last_message_at = $1 WHERE id = $2`
	if inbound {
		// A client writing in a chat without an assignee puts it in the
		// routing queue, at the place of its first such message (A2).
		q = `UPDATE subscribers SET last_message_at = $1, last_inbound_at = $1,
			waiting_since = CASE WHEN assignee_id IS NULL THEN coalesce(waiting_since, $1) END WHERE id = $2`
	}
	tx.Defer(ctx, q, ms(at), id)
	return nil
}

// SetSubscriberLanguage records the language the client's app or browser
// reported (beseda.ClientLanguage).
func (tx *Tx) SetSubscriberLanguage(ctx context.Context, id int64, lang string) error {
	if _, err := tx.q.ExecContext(ctx, `UPDATE subscribers SET locale = $1 WHERE id = $2`, lang, id); err != nil {
		return fmt.Errorf("set subscriber language: %w", err)
	}
	return nil
}

// CreateVisitorToken stores the hash of a web-chat visitor's token.
func (tx *Tx) CreateVisitorToken(ctx context.Context, hash []byte, subscriberID int64, at time.Time) error {
	_, err := tx.q.ExecContext(ctx,
		`INSERT INTO visitor_tokens (token_hash, subscriber_id, created_at) VALUES ($1, $2, $3)`,
		hash, subscriberID, ms(at))
	if err != nil {
		return fmt.Errorf("create visitor token: %w", err)
	}
	return nil
}

// FindSubscriberByVisitorToken returns the channel's subscriber holding the
// token, or EUNAUTHORIZED.
func (r reader) FindSubscriberByVisitorToken(ctx context.Context, channelID int64, hash []byte) (*beseda.Subscriber, error) {
	s, err := scanSubscriber(r.q.QueryRowContext(ctx, subscriberSelect+`
		JOIN visitor_tokens v ON v.subscriber_id = s.id
		WHERE v.token_hash = $1 AND s.channel_id = $2`, hash, channelID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.Errorf(beseda.EUNAUTHORIZED, "unknown visitor token")
	} else if err != nil {
		return nil, fmt.Errorf("find visitor: %w", err)
	}
	return s, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// limit bounds a page size: def when unset, at most max.
func limit(n, def, max int) int {
	if n <= 0 {
		return def
	}
	return min(n, max)
}

// MarkChatRead records that a manager opened the client's chat: their own
// read mark, one row upserted (chat_reads' key); the other managers' marks
// stay.
func (tx *Tx) MarkChatRead(ctx context.Context, workspaceID, userID, subscriberID int64, at time.Time) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO chat_reads (user_id, subscriber_id, read_at)
		SELECT $1, s.id, $3 FROM subscribers s WHERE s.id = $2 AND s.workspace_id = $4
		ON CONFLICT (user_id, subscriber_id) DO UPDATE SET read_at = excluded.read_at`, userID, subscriberID, ms(at), workspaceID)
	if err != nil {
		return fmt.Errorf("mark chat read: %w", err)
	}
	return nil
}

// LastMessages returns, for the chat list, the last message of each of the
// clients' chats that the client could see: not dropped, held or failed
// automation, not an internal note. One statement; index messages_chat finds
// each, from the end of its chat.
func (r reader) LastMessages(ctx context.Context, workspaceID int64, subscriberIDs []int64) (map[int64]*beseda.Message, error) {
	out := map[int64]*beseda.Message{}
	if len(subscriberIDs) == 0 {
		return out, nil
	}
	in, args := r.inIDs("s.id", 2, subscriberIDs)
	msgs, err := r.findMessages(ctx, `SELECT `+messageColumns+` FROM messages m WHERE m.workspace_id = $1 AND m.id IN (
		SELECT (SELECT l.id FROM messages l WHERE l.subscriber_id = s.id AND l.status IN ('sent', 'pending') AND NOT l.internal
			ORDER BY coalesce(l.chat_place, 2 * l.id) DESC, l.id DESC LIMIT 1)
		FROM subscribers s WHERE `+in+`)`, append([]any{workspaceID}, args...)...)
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		out[m.SubscriberID] = m
	}
	return out, nil
}
