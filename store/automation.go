package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/beseda/beseda"
)

// CreateBroadcast stores a broadcast; recipients (nil for every client) must
// be the workspace's clients, which the insert checks. Total is set.
func (tx *Tx) CreateBroadcast(ctx context.Context, workspaceID int64, b *beseda.Broadcast, createdBy int64, recipients []int64) error {
	err := tx.q.QueryRowContext(ctx, `INSERT INTO broadcasts (workspace_id, text, all_subscribers, created_by, created_at, total)
		VALUES ($1, $2, $3, $4, $5, 0) RETURNING id`,
		workspaceID, b.Text, b.AllSubscribers, createdBy, ms(b.CreatedAt)).Scan(&b.ID)
	if err != nil {
		return fmt.Errorf("create broadcast: %w", err)
	}
	if b.AllSubscribers {
		err = tx.q.QueryRowContext(ctx, `SELECT count(*) FROM subscribers WHERE workspace_id = $1`, workspaceID).Scan(&b.Total)
	} else {
		for start := 0; start < len(recipients) && err == nil; start += 1000 {
			part := recipients[start:min(start+1000, len(recipients))]
			in, args := tx.inIDs("id", 3, part)
			_, err = tx.q.ExecContext(ctx, `INSERT INTO broadcast_recipients (broadcast_id, subscriber_id)
				SELECT $1, id FROM subscribers WHERE workspace_id = $2 AND `+in, append([]any{b.ID, workspaceID}, args...)...)
		}
		if err == nil {
			err = tx.q.QueryRowContext(ctx, `SELECT count(*) FROM broadcast_recipients WHERE broadcast_id = $1`, b.ID).Scan(&b.Total)
		}
	}
	if err != nil {
		return fmt.Errorf("create broadcast: %w", err)
	}
	if !b.AllSubscribers && b.Total != len(recipients) {
		return beseda.Errorf(beseda.ENOTFOUND, "%d of the subscriber_ids are not clients of this workspace", len(recipients)-b.Total)
	}
	_, err = tx.q.ExecContext(ctx, `UPDATE broadcasts SET total = $1 WHERE id = $2`, b.Total, b.ID)
	return err
}

// BroadcastCursor is where production of a broadcast stands.
type BroadcastCursor struct {
	WorkspaceID    int64
	Text           string
	AllSubscribers bool
	Cursor         int64 // last recipient done
	Done           bool
}

// LockBroadcast reads a broadcast's production state and locks it.
func (tx *Tx) LockBroadcast(ctx context.Context, id int64) (*BroadcastCursor, error) {
	var c BroadcastCursor
	var finished sql.NullInt64
	err := tx.q.QueryRowContext(ctx, `SELECT workspace_id, text, all_subscribers, cursor, finished_at FROM broadcasts b
		WHERE id = $1`+tx.forUpdate("b"), id).Scan(&c.WorkspaceID, &c.Text, &c.AllSubscribers, &c.Cursor, &finished)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("broadcast")
	} else if err != nil {
		return nil, fmt.Errorf("lock broadcast: %w", err)
	}
	c.Done = finished.Valid
	return &c, nil
}

// ProduceBroadcastBatch produces the broadcast's messages for the next
// recipients after the cursor, in id order, in one statement: it locks the
// recipients' rows, applies the gate's decision to each by its active dialog
// (read from the locked row, so a concurrent status change is either before
// or after, G3) and inserts the messages. The set-based insert is what makes
// a broadcast fast: no row makes a round trip through Go. A broadcast does
// not touch the chats' last_message_at: a mailing to every client would
// otherwise stamp every chat with one time and bury the conversations in
// progress in the chat list.
//
// The gate's decision comes from beseda.GateFor as b.Gate, so the statement
// only looks it up; TestG1_BroadcastProductionDecidesAsGate runs it against
// beseda.Gate for every source.
func (tx *Tx) ProduceBroadcastBatch(ctx context.Context, b beseda.BroadcastBatch) (*beseda.BroadcastProduced, error) {
	gate, id := b.Gate, b.BroadcastID
	recipients := `SELECT s.id, s.workspace_id, s.channel_id, s.active_dialog_id FROM subscribers s
		WHERE s.workspace_id = $1 AND s.id > $2 ORDER BY s.id LIMIT $3` // index subscribers_workspace
	args := []any{b.WorkspaceID, b.After, b.Limit}
	if !b.AllSubscribers {
		recipients = `SELECT s.id, s.workspace_id, s.channel_id, s.active_dialog_id FROM broadcast_recipients r
		JOIN subscribers s ON s.id = r.subscriber_id
		WHERE r.broadcast_id = $4 AND s.workspace_id = $1 AND r.subscriber_id > $2 ORDER BY r.subscriber_id LIMIT $3`
		args = append(args, id)
	}
	n := len(args)
	p := func(i int) string { return "$" + strconv.Itoa(n+i) }
	args = append(args, string(gate.Active), string(gate.Free), b.Text, ms(b.At), id, b.ShownOnStore,
		gate.ActiveReason, gate.FreeReason)
	shown := "g.channel_id = ANY(" + p(6) + ")"
	if tx.dialect == SQLite {
		list := make([]string, len(b.ShownOnStore))
		for i, id := range b.ShownOnStore {
			list[i] = strconv.FormatInt(id, 10)
		}
		args[n+5] = "," + strings.Join(list, ",") + ","
		shown = "instr(" + p(6) + ", ',' || g.channel_id || ',') > 0"
	}
	// g is the gate's decision by the client's active dialog; d sends a
	// deliverable message at once where the client sees it once stored,
	// unless older ones wait (shownStatus). d is MATERIALIZED: inlined, its status (used
	// twice below) was decided twice per recipient, each a probe of the
	// client's pending messages.
	q := `WITH b AS (` + recipients + tx.forUpdate("s") + `),
		g AS (SELECT b.*,
			CASE WHEN b.active_dialog_id IS NOT NULL THEN ` + p(1) + ` ELSE ` + p(2) + ` END AS gated,
			CASE WHEN b.active_dialog_id IS NOT NULL THEN ` + p(7) + ` ELSE ` + p(8) + ` END AS reason FROM b),
		d AS MATERIALIZED (SELECT g.*, CASE
			WHEN g.gated = 'pending' AND ` + shown + ` THEN ` + shownStatus("g.id") + `
			ELSE g.gated END AS status FROM g)
		INSERT INTO messages (workspace_id, subscriber_id, channel_id, direction, source, text, buttons,
			status, reason, created_at, sent_at, broadcast_id)
		SELECT d.workspace_id, d.id, d.channel_id, 'out', 'broadcast', ` + p(3) + `, '', d.status, d.reason,
			` + p(4) + `, CASE WHEN d.status = 'sent' THEN CAST(` + p(4) + ` AS BIGINT) END, ` + p(5) + `
		FROM d
		RETURNING subscriber_id, channel_id, status`
	rows, err := tx.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("produce broadcast: %w", err)
	}
	defer rows.Close()
	batch := &beseda.BroadcastProduced{}
	pending := map[int64]bool{}
	for rows.Next() {
		var sub, channel int64
		var status string
		if err := rows.Scan(&sub, &channel, &status); err != nil {
			return nil, fmt.Errorf("produce broadcast: %w", err)
		}
		batch.Recipients++
		batch.Last = max(batch.Last, sub)
		if status == string(beseda.MessagePending) && !pending[channel] {
			pending[channel] = true
			batch.PendingChannels = append(batch.PendingChannels, channel)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("produce broadcast: %w", err)
	}
	return batch, nil
}

// AdvanceBroadcast moves the cursor after a batch; finished marks the end.
func (tx *Tx) AdvanceBroadcast(ctx context.Context, id, cursor int64, produced int, finished *time.Time) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE broadcasts SET cursor = $1, produced = produced + $2, finished_at = $3 WHERE id = $4`,
		cursor, produced, nullMS(finished), id)
	if err != nil {
		return fmt.Errorf("advance broadcast: %w", err)
	}
	return nil
}

// FindBroadcast returns a broadcast of the workspace with its message counts.
func (r reader) FindBroadcast(ctx context.Context, workspaceID, id int64) (*beseda.Broadcast, error) {
	var b beseda.Broadcast
	var created int64
	var finished sql.NullInt64
	err := r.q.QueryRowContext(ctx, `SELECT id, text, all_subscribers, total, produced, created_at, finished_at
		FROM broadcasts WHERE id = $1 AND workspace_id = $2`, id, workspaceID).
		Scan(&b.ID, &b.Text, &b.AllSubscribers, &b.Total, &b.Produced, &created, &finished)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("broadcast")
	} else if err != nil {
		return nil, fmt.Errorf("find broadcast: %w", err)
	}
	b.CreatedAt, b.FinishedAt = fromMS(created), fromNullMS(finished)
	b.Counts = map[beseda.MessageStatus]int{beseda.MessagePending: 0, beseda.MessageSent: 0, beseda.MessageHeld: 0,
		beseda.MessageDropped: 0, beseda.MessageFailed: 0}
	// Index messages_broadcast serves the counts.
	rows, err := r.q.QueryContext(ctx, `SELECT status, count(*) FROM messages WHERE broadcast_id = $1 GROUP BY status`, id)
	if err != nil {
		return nil, fmt.Errorf("find broadcast: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, err
		}
		b.Counts[beseda.MessageStatus(status)] = n
	}
	return &b, rows.Err()
}

// CreateFunnel stores a funnel with its steps and sets its ID.
func (tx *Tx) CreateFunnel(ctx context.Context, workspaceID int64, f *beseda.Funnel) error {
	err := tx.q.QueryRowContext(ctx, `INSERT INTO funnels (workspace_id, name, created_at) VALUES ($1, $2, $3) RETURNING id`,
		workspaceID, f.Name, ms(f.CreatedAt)).Scan(&f.ID)
	if err != nil {
		return fmt.Errorf("create funnel: %w", err)
	}
	for i, s := range f.Steps {
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO funnel_steps (funnel_id, position, delay_seconds, text)
			VALUES ($1, $2, $3, $4)`, f.ID, i, s.DelaySeconds, s.Text); err != nil {
			return fmt.Errorf("create funnel: %w", err)
		}
	}
	return nil
}

// FindFunnels returns the funnels of a workspace with their steps.
func (r reader) FindFunnels(ctx context.Context, workspaceID int64) ([]*beseda.Funnel, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT f.id, f.name, f.created_at, s.delay_seconds, s.text
		FROM funnels f JOIN funnel_steps s ON s.funnel_id = f.id
		WHERE f.workspace_id = $1 ORDER BY f.id, s.position`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("find funnels: %w", err)
	}
	defer rows.Close()
	out := []*beseda.Funnel{}
	for rows.Next() {
		var id, created int64
		var name string
		var step beseda.FunnelStep
		if err := rows.Scan(&id, &name, &created, &step.DelaySeconds, &step.Text); err != nil {
			return nil, fmt.Errorf("find funnels: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, &beseda.Funnel{ID: id, Name: name, CreatedAt: fromMS(created)})
		}
		f := out[len(out)-1]
		f.Steps = append(f.Steps, step)
	}
	return out, rows.Err()
}

// FindFunnel returns one funnel of the workspace, or ENOTFOUND.
func (r reader) FindFunnel(ctx context.Context, workspaceID, id int64) (*beseda.Funnel, error) {
	funnels, err := r.FindFunnels(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	for _, f := range funnels {
		if f.ID == id {
			return f, nil
		}
	}
	return nil, beseda.NotFound("funnel")
}

// Enrollment is a client's way through a funnel.
type Enrollment struct {
	ID           int64
	FunnelID     int64
	SubscriberID int64
	EnrolledAt   time.Time
	NextStep     int
	Finished     bool
}

// Enroll puts a client into a funnel; a client already in it keeps their
// enrollment (created is false).
func (tx *Tx) Enroll(ctx context.Context, funnelID, subscriberID int64, at time.Time) (*Enrollment, bool, error) {
	e := &Enrollment{FunnelID: funnelID, SubscriberID: subscriberID, EnrolledAt: at}
	err := tx.q.QueryRowContext(ctx, `INSERT INTO funnel_enrollments (funnel_id, subscriber_id, enrolled_at)
		VALUES ($1, $2, $3) ON CONFLICT (funnel_id, subscriber_id) DO NOTHING RETURNING id`,
		funnelID, subscriberID, ms(at)).Scan(&e.ID)
	if err == nil {
		return e, true, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, false, fmt.Errorf("enroll: %w", err)
	}
	var enrolled int64
	var finished sql.NullInt64
	err = tx.q.QueryRowContext(ctx, `SELECT id, enrolled_at, next_step, finished_at FROM funnel_enrollments
		WHERE funnel_id = $1 AND subscriber_id = $2`, funnelID, subscriberID).Scan(&e.ID, &enrolled, &e.NextStep, &finished)
	if err != nil {
		return nil, false, fmt.Errorf("enroll: %w", err)
	}
	e.EnrolledAt, e.Finished = fromMS(enrolled), finished.Valid
	return e, false, nil
}

// LockEnrollment reads an enrollment with its funnel's workspace, locked.
func (tx *Tx) LockEnrollment(ctx context.Context, id int64) (*Enrollment, int64, error) {
	e := &Enrollment{ID: id}
	var enrolled, workspaceID int64
	var finished sql.NullInt64
	err := tx.q.QueryRowContext(ctx, `SELECT e.funnel_id, e.subscriber_id, e.enrolled_at, e.next_step, e.finished_at, f.workspace_id
		FROM funnel_enrollments e JOIN funnels f ON f.id = e.funnel_id WHERE e.id = $1`+tx.forUpdate("e"), id).
		Scan(&e.FunnelID, &e.SubscriberID, &enrolled, &e.NextStep, &finished, &workspaceID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, beseda.NotFound("enrollment")
	} else if err != nil {
		return nil, 0, fmt.Errorf("lock enrollment: %w", err)
	}
	e.EnrolledAt, e.Finished = fromMS(enrolled), finished.Valid
	return e, workspaceID, nil
}

// AdvanceEnrollment records that a step was produced.
func (tx *Tx) AdvanceEnrollment(ctx context.Context, id int64, next int, finished *time.Time) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE funnel_enrollments SET next_step = $1, finished_at = $2 WHERE id = $3`,
		next, nullMS(finished), id)
	if err != nil {
		return fmt.Errorf("advance enrollment: %w", err)
	}
	return nil
}

// CreateSmartAnswer stores a smart answer and sets its ID.
func (tx *Tx) CreateSmartAnswer(ctx context.Context, workspaceID int64, a *beseda.SmartAnswer) error {
	kws, err := json.Marshal(a.Keywords)
	if err != nil {
		return err
	}
	err = tx.q.QueryRowContext(ctx, `INSERT INTO smart_answers (workspace_id, keywords, answer, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, workspaceID, string(kws), a.Answer, ms(a.CreatedAt)).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("create smart answer: %w", err)
	}
	return nil
}

// FindSmartAnswers returns a workspace's smart answers, oldest first.
func (r reader) FindSmartAnswers(ctx context.Context, workspaceID int64) ([]*beseda.SmartAnswer, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, keywords, answer, created_at FROM smart_answers
		WHERE workspace_id = $1 ORDER BY id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("find smart answers: %w", err)
	}
	defer rows.Close()
	out := []*beseda.SmartAnswer{}
	for rows.Next() {
		var a beseda.SmartAnswer
		var kws string
		var created int64
		if err := rows.Scan(&a.ID, &kws, &a.Answer, &created); err != nil {
			return nil, fmt.Errorf("find smart answers: %w", err)
		}
		if err := json.Unmarshal([]byte(kws), &a.Keywords); err != nil {
			return nil, fmt.Errorf("smart answer %d: %w", a.ID, err)
		}
		a.CreatedAt = fromMS(created)
		out = append(out, &a)
	}
	return out, rows.Err()
}

// DeleteSmartAnswer removes a smart answer of the workspace, or ENOTFOUND.
func (tx *Tx) DeleteSmartAnswer(ctx context.Context, workspaceID, id int64) error {
	res, err := tx.q.ExecContext(ctx, `DELETE FROM smart_answers WHERE id = $1 AND workspace_id = $2`, id, workspaceID)
	if err != nil {
		return fmt.Errorf("delete smart answer: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return beseda.NotFound("smart answer")
	}
	return nil
}
