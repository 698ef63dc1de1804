package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/beseda/beseda"
)

const dialogSelect = `
	SELECT d.id, d.workspace_id, d.subscriber_id, s.name, d.title, d.status, d.type_id, t.name,
		d.created_by, u.name, d.created_at, d.updated_at, d.completed_at,
		d.account_rating, d.client_rating, d.rating_form_sent, d.rating_form_error, d.rating_form_message_id
	FROM dialogs d
	JOIN subscribers s ON s.id = d.subscriber_id
	JOIN dialog_types t ON t.id = d.type_id
	JOIN users u ON u.id = d.created_by`

func scanDialog(row interface{ Scan(...any) error }) (*beseda.Dialog, error) {
	var d beseda.Dialog
	var status string
	var created, updated int64
	var completed, accountRating, clientRating, formMessage sql.NullInt64
	if err := row.Scan(&d.ID, &d.WorkspaceID, &d.SubscriberID, &d.Subscriber.Name, &d.Title, &status,
		&d.Type.ID, &d.Type.Name, &d.CreatedBy.ID, &d.CreatedBy.Name, &created, &updated, &completed,
		&accountRating, &clientRating, &d.RatingFormSent, &d.RatingFormError, &formMessage); err != nil {
		return nil, err
	}
	d.RatingFormMessageID = fromNullID(formMessage)
	d.Subscriber.ID = d.SubscriberID
	d.Status, d.CreatedAt, d.UpdatedAt = beseda.DialogStatus(status), fromMS(created), fromMS(updated)
	d.CompletedAt = fromNullMS(completed)
	d.AccountRating, d.ClientRating = fromNullInt(accountRating), fromNullInt(clientRating)
	d.Reasons, d.Components, d.Participants = []beseda.Ref{}, []beseda.Ref{}, []beseda.Ref{}
	return &d, nil
}

// CreateDialog inserts d with its reasons, components and participants (the
// Refs' ids) and sets its ID. The partial unique index dialogs_one_active
// refuses a second active dialog of a subscriber (C3); the caller checks first
// and maps the violation.
func (tx *Tx) CreateDialog(ctx context.Context, d *beseda.Dialog) error {
	err := tx.q.QueryRowContext(ctx, `
		INSERT INTO dialogs (workspace_id, subscriber_id, title, type_id, status, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
		d.WorkspaceID, d.SubscriberID, d.Title, d.Type.ID, string(d.Status), d.CreatedBy.ID, ms(d.CreatedAt)).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("create dialog: %w", err)
	}
	if err := tx.SetDialogLinks(ctx, d.ID, beseda.CatalogReasons, refIDs(d.Reasons)); err != nil {
		return err
	}
	if err := tx.SetDialogLinks(ctx, d.ID, beseda.CatalogComponents, refIDs(d.Components)); err != nil {
		return err
	}
	for _, p := range d.Participants {
		if err := tx.AddParticipant(ctx, d.ID, p.ID, d.CreatedAt); err != nil {
			return err
		}
	}
	return nil
}

// SaveDialog writes the dialog's own fields (not its links).
func (tx *Tx) SaveDialog(ctx context.Context, d *beseda.Dialog) error {
	var accountRating, clientRating any
	if d.AccountRating != nil {
		accountRating = *d.AccountRating
	}
	if d.ClientRating != nil {
		clientRating = *d.ClientRating
	}
	_, err := tx.q.ExecContext(ctx, `
		UPDATE dialogs SET title = $1, type_id = $2, status = $3, updated_at = $4, completed_at = $5,
			account_rating = $6, client_rating = $7, rating_form_sent = $8, rating_form_error = $9,
			rating_form_message_id = $10
		WHERE id = $11 AND workspace_id = $12`,
		d.Title, d.Type.ID, string(d.Status), ms(d.UpdatedAt), nullMS(d.CompletedAt),
		accountRating, clientRating, d.RatingFormSent, d.RatingFormError, nullID(d.RatingFormMessageID), d.ID, d.WorkspaceID)
	if err != nil {
		return fmt.Errorf("save dialog: %w", err)
	}
	return nil
}

var linkTables = map[beseda.Catalog][2]string{
	beseda.CatalogReasons:    {"dialog_reason_links", "reason_id"},
	beseda.CatalogComponents: {"dialog_component_links", "component_id"},
}

// SetDialogLinks replaces the dialog's reasons or components.
func (tx *Tx) SetDialogLinks(ctx context.Context, dialogID int64, c beseda.Catalog, ids []int64) error {
	t := linkTables[c]
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM `+t[0]+` WHERE dialog_id = $1`, dialogID); err != nil {
		return fmt.Errorf("set dialog %s: %w", c, err)
	}
	for _, id := range ids {
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO `+t[0]+` (dialog_id, `+t[1]+`) VALUES ($1, $2)`,
			dialogID, id); err != nil {
			return fmt.Errorf("set dialog %s: %w", c, err)
		}
	}
	return nil
}

// AddParticipant adds a manager to a dialog.
func (tx *Tx) AddParticipant(ctx context.Context, dialogID, userID int64, at time.Time) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO dialog_participants (dialog_id, user_id, added_at)
		VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, dialogID, userID, ms(at))
	if err != nil {
		return fmt.Errorf("add participant: %w", err)
	}
	return nil
}

// RemoveParticipant removes a manager from a dialog.
func (tx *Tx) RemoveParticipant(ctx context.Context, dialogID, userID int64) error {
	_, err := tx.q.ExecContext(ctx, `DELETE FROM dialog_participants WHERE dialog_id = $1 AND user_id = $2`,
		dialogID, userID)
	if err != nil {
		return fmt.Errorf("remove participant: %w", err)
	}
	return nil
}

// FindDialogByID returns the dialog with its references, or ENOTFOUND if it
// is not in the workspace.
func (r reader) FindDialogByID(ctx context.Context, workspaceID, id int64) (*beseda.Dialog, error) {
	d, err := scanDialog(r.q.QueryRowContext(ctx, dialogSelect+` WHERE d.id = $1 AND d.workspace_id = $2`, id, workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("dialog")
	} else if err != nil {
		return nil, fmt.Errorf("find dialog: %w", err)
	}
	if err := r.loadDialogRefs(ctx, []*beseda.Dialog{d}); err != nil {
		return nil, err
	}
	return d, nil
}

// FindActiveDialogID returns the subscriber's active dialog, or 0.
func (r reader) FindActiveDialogID(ctx context.Context, subscriberID int64) (int64, error) {
	var id int64
	err := r.q.QueryRowContext(ctx, `SELECT id FROM dialogs WHERE subscriber_id = $1 AND status = 'active'`,
		subscriberID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("find active dialog: %w", err)
	}
	return id, nil
}

func dialogWhere(f beseda.DialogFilter) (string, []any) {
	where, args := []string{"d.workspace_id = $1"}, []any{f.WorkspaceID}
	if f.SubscriberID != nil {
		// One client's dialogs come from dialogs_subscriber. The unary plus
		// keeps SQLite from walking the workspace's dialogs by id instead
		// (dialogs_workspace), which it otherwise prefers for the ORDER BY.
		where[0] = "+d.workspace_id = $1"
	}
	if f.Status != nil {
		args = append(args, string(*f.Status))
		where = append(where, fmt.Sprintf("d.status = $%d", len(args)))
	}
	if f.SubscriberID != nil {
		args = append(args, *f.SubscriberID)
		where = append(where, fmt.Sprintf("d.subscriber_id = $%d", len(args)))
	}
	if f.ParticipantID != nil {
		args = append(args, *f.ParticipantID)
		where = append(where, fmt.Sprintf(
			"EXISTS (SELECT 1 FROM dialog_participants p WHERE p.dialog_id = d.id AND p.user_id = $%d)", len(args)))
	}
	return strings.Join(where, " AND "), args
}

// FindDialogs returns dialogs matching the filter, newest first (L1).
// Index dialogs_workspace_status or dialogs_subscriber serves it.
func (r reader) FindDialogs(ctx context.Context, f beseda.DialogFilter) ([]*beseda.Dialog, error) {
	where, args := dialogWhere(f)
	if f.BeforeID > 0 {
		args = append(args, f.BeforeID)
		where += fmt.Sprintf(" AND d.id < $%d", len(args))
	}
	args = append(args, limit(f.Limit, 50, 200))
	rows, err := r.q.QueryContext(ctx, dialogSelect+` WHERE `+where+
		fmt.Sprintf(` ORDER BY d.id DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("find dialogs: %w", err)
	}
	defer rows.Close()
	out := []*beseda.Dialog{}
	for rows.Next() {
		d, err := scanDialog(rows)
		if err != nil {
			return nil, fmt.Errorf("find dialogs: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find dialogs: %w", err)
	}
	if err := r.loadDialogRefs(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// CountDialogs counts the dialogs matching the filter.
func (r reader) CountDialogs(ctx context.Context, f beseda.DialogFilter) (int, error) {
	where, args := dialogWhere(f)
	var n int
	if err := r.q.QueryRowContext(ctx, `SELECT count(*) FROM dialogs d WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count dialogs: %w", err)
	}
	return n, nil
}

// loadDialogRefs fills the reasons, components and participants of dialogs,
// three queries for the whole page.
func (r reader) loadDialogRefs(ctx context.Context, dialogs []*beseda.Dialog) error {
	if len(dialogs) == 0 {
		return nil
	}
	byID := make(map[int64]*beseda.Dialog, len(dialogs))
	dialogIDs := make([]int64, len(dialogs))
	for i, d := range dialogs {
		byID[d.ID], dialogIDs[i] = d, d.ID
	}
	in, ids := r.inIDs("l.dialog_id", 1, dialogIDs)
	inParticipants, _ := r.inIDs("p.dialog_id", 1, dialogIDs)
	queries := []struct {
		sql  string
		list func(*beseda.Dialog) *[]beseda.Ref
	}{
		{`SELECT l.dialog_id, x.id, x.name FROM dialog_reason_links l JOIN dialog_reasons x ON x.id = l.reason_id
			WHERE ` + in + ` ORDER BY x.name, x.id`,
			func(d *beseda.Dialog) *[]beseda.Ref { return &d.Reasons }},
		{`SELECT l.dialog_id, x.id, x.name FROM dialog_component_links l JOIN dialog_components x ON x.id = l.component_id
			WHERE ` + in + ` ORDER BY x.name, x.id`,
			func(d *beseda.Dialog) *[]beseda.Ref { return &d.Components }},
		{`SELECT p.dialog_id, u.id, u.name FROM dialog_participants p JOIN users u ON u.id = p.user_id
			WHERE ` + inParticipants + ` ORDER BY p.added_at, u.id`,
			func(d *beseda.Dialog) *[]beseda.Ref { return &d.Participants }},
	}
	for _, q := range queries {
		if err := r.loadRefs(ctx, q.sql, ids, byID, q.list); err != nil {
			return err
		}
	}
	return nil
}

func (r reader) loadRefs(ctx context.Context, query string, args []any, byID map[int64]*beseda.Dialog,
	list func(*beseda.Dialog) *[]beseda.Ref) error {
	rows, err := r.q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("load dialog refs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var dialogID int64
		var ref beseda.Ref
		if err := rows.Scan(&dialogID, &ref.ID, &ref.Name); err != nil {
			return fmt.Errorf("load dialog refs: %w", err)
		}
		l := list(byID[dialogID])
		*l = append(*l, ref)
	}
	return rows.Err()
}

func refIDs(refs []beseda.Ref) []int64 {
	ids := make([]int64, len(refs))
	for i, r := range refs {
		ids[i] = r.ID
	}
	return ids
}

// AddDialogEvent records a change of a dialog in its history (L3).
func (tx *Tx) AddDialogEvent(ctx context.Context, e *beseda.DialogEvent) error {
	data, err := json.Marshal(e.Data)
	if err != nil {
		return fmt.Errorf("add dialog event: %w", err)
	}
	var actor any
	if e.Actor != nil {
		actor = e.Actor.ID
	}
	err = tx.q.QueryRowContext(ctx, `INSERT INTO dialog_events (dialog_id, actor_id, kind, data, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		e.DialogID, actor, string(e.Kind), string(data), ms(e.CreatedAt)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("add dialog event: %w", err)
	}
	return nil
}

// FindDialogEvents returns a dialog's history, oldest first.
func (r reader) FindDialogEvents(ctx context.Context, dialogID int64) ([]*beseda.DialogEvent, error) {
	rows, err := r.q.QueryContext(ctx, `
		SELECT e.id, e.dialog_id, e.kind, e.actor_id, u.name, e.data, e.created_at
		FROM dialog_events e LEFT JOIN users u ON u.id = e.actor_id
		WHERE e.dialog_id = $1 ORDER BY e.id`, dialogID)
	if err != nil {
		return nil, fmt.Errorf("find dialog events: %w", err)
	}
	defer rows.Close()
	out := []*beseda.DialogEvent{}
	for rows.Next() {
		var e beseda.DialogEvent
		var kind, data string
		var actorID sql.NullInt64
		var actorName sql.NullString
		var created int64
		if err := rows.Scan(&e.ID, &e.DialogID, &kind, &actorID, &actorName, &data, &created); err != nil {
			return nil, fmt.Errorf("find dialog events: %w", err)
		}
		e.Kind, e.CreatedAt = beseda.DialogEventKind(kind), fromMS(created)
		if actorID.Valid {
			e.Actor = &beseda.Ref{ID: actorID.Int64, Name: actorName.String}
		}
		if err := json.Unmarshal([]byte(data), &e.Data); err != nil {
			return nil, fmt.Errorf("dialog event %d: %w", e.ID, err)
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}
