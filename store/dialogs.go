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

// dialogColumns are a dialog's own columns; dialogSelect adds its references
// (reasons, components, participants) as JSON arrays, so that one statement
// reads a dialog whole.
const dialogColumns = `d.id, d.workspace_id, d.subscriber_id, s.name, d.title, d.status, d.type_id, t.name,
		d.created_by, u.name, d.created_at, d.updated_at, d.completed_at,
		d.account_rating, d.client_rating, d.rating_form_sent, d.rating_form_error, d.rating_form_message_id`

const dialogJoins = `
	FROM dialogs d
	JOIN subscribers s ON s.id = d.subscriber_id
	JOIN dialog_types t ON t.id = d.type_id
	JOIN users u ON u.id = d.created_by`

// dialogSelect reads dialogs with their references. Each reference list is a
// scalar subquery over a primary key (dialog_reason_links,
// dialog_component_links, dialog_participants all begin with dialog_id).
func (r reader) dialogSelect() string {
	return `SELECT ` + dialogColumns + `,
		` + r.refsJSON("x.id", "x.name", "dialog_reason_links l JOIN dialog_reasons x ON x.id = l.reason_id WHERE l.dialog_id = d.id", "x.name, x.id") + `,
		` + r.refsJSON("x.id", "x.name", "dialog_component_links l JOIN dialog_components x ON x.id = l.component_id WHERE l.dialog_id = d.id", "x.name, x.id") + `,
		` + r.refsJSON("x.id", "x.name", "dialog_participants p JOIN users x ON x.id = p.user_id WHERE p.dialog_id = d.id", "p.added_at, x.id") + `,
		(SELECT x.clock FROM dialog_sla x WHERE x.dialog_id = d.id)` +
		dialogJoins
}

// refsJSON is a scalar subquery that returns the rows of "FROM from" as a
// JSON array of {"id", "name"} objects in the given order.
func (r reader) refsJSON(id, name, from, orderBy string) string {
	if r.dialect == Postgres {
		return `(SELECT coalesce(json_agg(json_build_object('id', ` + id + `, 'name', ` + name + `) ORDER BY ` + orderBy +
			`), '[]')::text FROM ` + from + `)`
	}
	// json_group_array keeps the order of the rows it is fed.
	return `(SELECT json_group_array(json_object('id', id, 'name', name)) FROM (SELECT ` + id + ` AS id, ` + name +
		` AS name FROM ` + from + ` ORDER BY ` + orderBy + `))`
}

func scanDialog(row interface{ Scan(...any) error }) (*beseda.Dialog, error) {
	var d beseda.Dialog
	var status string
	var created, updated int64
	var completed, accountRating, clientRating, formMessage sql.NullInt64
	var reasons, components, participants []byte
	var slaClock sql.NullString
	if err := row.Scan(&d.ID, &d.WorkspaceID, &d.SubscriberID, &d.Subscriber.Name, &d.Title, &status,
		&d.Type.ID, &d.Type.Name, &d.CreatedBy.ID, &d.CreatedBy.Name, &created, &updated, &completed,
		&accountRating, &clientRating, &d.RatingFormSent, &d.RatingFormError, &formMessage,
		&reasons, &components, &participants, &slaClock); err != nil {
		return nil, err
	}
	if slaClock.Valid {
		c, err := beseda.DecodeSLAClock(slaClock.String)
		if err != nil {
			return nil, fmt.Errorf("dialog %d sla: %w", d.ID, err)
		}
		d.SLA = c.View()
	}
	d.RatingFormMessageID = fromNullID(formMessage)
	d.Subscriber.ID = d.SubscriberID
	d.Status, d.CreatedAt, d.UpdatedAt = beseda.DialogStatus(status), fromMS(created), fromMS(updated)
	d.CompletedAt = fromNullMS(completed)
	d.AccountRating, d.ClientRating = fromNullInt(accountRating), fromNullInt(clientRating)
	for _, l := range []struct {
		raw []byte
		to  *[]beseda.Ref
	}{{reasons, &d.Reasons}, {components, &d.Components}, {participants, &d.Participants}} {
		*l.to = []beseda.Ref{}
		if err := json.Unmarshal(l.raw, l.to); err != nil {
			return nil, fmt.Errorf("dialog %d references: %w", d.ID, err)
		}
	}
	return &d, nil
}

// CreateDialog inserts d with its reasons, components and participants (the
// Refs' ids) and sets its ID; the links are deferred writes (Tx.Defer). The
// partial unique index dialogs_one_active refuses a second active dialog of a
// subscriber (C3); the caller checks first and maps the violation.
func (tx *Tx) CreateDialog(ctx context.Context, d *beseda.Dialog) error {
	err := tx.q.QueryRowContext(ctx, `
		INSERT INTO dialogs (workspace_id, subscriber_id, title, type_id, status, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
		d.WorkspaceID, d.SubscriberID, d.Title, d.Type.ID, string(d.Status), d.CreatedBy.ID, ms(d.CreatedAt)).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("create dialog: %w", err)
	}
	tx.addLinks(ctx, d.ID, beseda.CatalogReasons, refIDs(d.Reasons))
	tx.addLinks(ctx, d.ID, beseda.CatalogComponents, refIDs(d.Components))
	tx.AddParticipants(ctx, d.ID, refIDs(d.Participants), d.CreatedAt)
	return nil
}

// SaveDialog writes the dialog's own fields (not its links). The write is
// deferred (Tx.Defer).
func (tx *Tx) SaveDialog(ctx context.Context, d *beseda.Dialog) error {
	var accountRating, clientRating any
	if d.AccountRating != nil {
		accountRating = *d.AccountRating
	}
	if d.ClientRating != nil {
		clientRating = *d.ClientRating
	}
	tx.Defer(ctx, `
		UPDATE dialogs SET title = $1, type_id = $2, status = $3, updated_at = $4, completed_at = $5,
			account_rating = $6, client_rating = $7, rating_form_sent = $8, rating_form_error = $9,
			rating_form_message_id = $10
		WHERE id = $11 AND workspace_id = $12`,
		d.Title, d.Type.ID, string(d.Status), ms(d.UpdatedAt), nullMS(d.CompletedAt),
		accountRating, clientRating, d.RatingFormSent, d.RatingFormError, nullID(d.RatingFormMessageID), d.ID, d.WorkspaceID)
	return nil
}

var linkTables = map[beseda.Catalog][2]string{
	beseda.CatalogReasons:    {"dialog_reason_links", "reason_id"},
	beseda.CatalogComponents: {"dialog_component_links", "component_id"},
}

// ChangeDialogLinks adds and removes reasons or components of a dialog
// (deferred writes).
func (tx *Tx) ChangeDialogLinks(ctx context.Context, dialogID int64, c beseda.Catalog, added, removed []int64) {
	if len(removed) > 0 {
		t := linkTables[c]
		in, args := tx.inIDs(t[1], 2, removed)
		tx.Defer(ctx, `DELETE FROM `+t[0]+` WHERE dialog_id = $1 AND `+in, append([]any{dialogID}, args...)...)
	}
	tx.addLinks(ctx, dialogID, c, added)
}

func (tx *Tx) addLinks(ctx context.Context, dialogID int64, c beseda.Catalog, ids []int64) {
	if len(ids) == 0 {
		return
	}
	t := linkTables[c]
	values, args := tx.idRows(dialogID, ids)
	tx.Defer(ctx, `INSERT INTO `+t[0]+` (dialog_id, `+t[1]+`) `+values, args...)
}

// idRows returns the rows (fixed..., id) for each id, as the source of an
// INSERT: one array parameter on PostgreSQL, a VALUES list on SQLite.
func (r reader) idRows(fixed int64, ids []int64, more ...any) (string, []any) {
	if r.dialect == Postgres {
		sel := `SELECT $1, x`
		for i := range more {
			sel += fmt.Sprintf(", $%d", i+3)
		}
		return sel + ` FROM unnest($2::bigint[]) x`, append([]any{fixed, ids}, more...)
	}
	cols := 2 + len(more)
	args := make([]any, 0, len(ids)*cols)
	for _, id := range ids {
		args = append(append(args, fixed, id), more...)
	}
	return `VALUES ` + r.Values(len(ids), cols), args
}

// AddParticipants adds managers to a dialog (a deferred write).
func (tx *Tx) AddParticipants(ctx context.Context, dialogID int64, userIDs []int64, at time.Time) {
	if len(userIDs) == 0 {
		return
	}
	values, args := tx.idRows(dialogID, userIDs, ms(at))
	tx.Defer(ctx, `INSERT INTO dialog_participants (dialog_id, user_id, added_at) `+values+` ON CONFLICT DO NOTHING`, args...)
}

// RemoveParticipants removes managers from a dialog (a deferred write).
func (tx *Tx) RemoveParticipants(ctx context.Context, dialogID int64, userIDs []int64) {
	if len(userIDs) == 0 {
		return
	}
	in, args := tx.inIDs("user_id", 2, userIDs)
	tx.Defer(ctx, `DELETE FROM dialog_participants WHERE dialog_id = $1 AND `+in, append([]any{dialogID}, args...)...)
}

// FindDialogByID returns the dialog with its references, or ENOTFOUND if it
// is not in the workspace.
func (r reader) FindDialogByID(ctx context.Context, workspaceID, id int64) (*beseda.Dialog, error) {
	d, err := scanDialog(r.q.QueryRowContext(ctx, r.dialogSelect()+` WHERE d.id = $1 AND d.workspace_id = $2`, id, workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("dialog")
	} else if err != nil {
		return nil, fmt.Errorf("find dialog: %w", err)
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

// statusLiteral writes a dialog status into SQL as a literal, not a bound
// parameter: a bound value compared with a column that partial indexes are
// defined on (dialogs_one_active) makes SQLite parse and plan the statement
// again every time a value is bound, to see whether the index applies. The
// value is one of the domain's constants, never caller text.
func statusLiteral(s beseda.DialogStatus) string {
	if !s.Valid() {
		panic("store: unknown dialog status " + string(s))
	}
	return "'" + string(s) + "'"
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
		where = append(where, "d.status = "+statusLiteral(*f.Status))
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
	if f.ByDeadline {
		return r.findDialogsByDeadline(ctx, f)
	}
	where, args := dialogWhere(f)
	if f.BeforeID > 0 {
		args = append(args, f.BeforeID)
		where += fmt.Sprintf(" AND d.id < $%d", len(args))
	}
	args = append(args, limit(f.Limit, 50, 200))
	return r.scanDialogs(ctx, r.dialogSelect()+` WHERE `+where+fmt.Sprintf(` ORDER BY d.id DESC LIMIT $%d`, len(args)), args...)
}

// findDialogsByDeadline returns the dialogs matching the filter by time
// left (DialogFilter.ByDeadline): those with a due instant by walking index
// dialog_sla_due in its order, then, to fill the page, the others newest
// first.
func (r reader) findDialogsByDeadline(ctx context.Context, f beseda.DialogFilter) ([]*beseda.Dialog, error) {
	where, args := dialogWhere(f)
	n := limit(f.Limit, 50, 200)
	due, err := r.scanDialogs(ctx, r.dialogSelect()+` JOIN dialog_sla ds ON ds.dialog_id = d.id AND ds.workspace_id = $1
		WHERE ds.due_at IS NOT NULL AND `+where+fmt.Sprintf(` ORDER BY ds.due_at, d.id LIMIT $%d`, len(args)+1), append(args, n)...)
	if err != nil || len(due) == n {
		return due, err
	}
	rest, err := r.scanDialogs(ctx, r.dialogSelect()+` WHERE `+where+` AND NOT EXISTS (SELECT 1 FROM dialog_sla x
		WHERE x.dialog_id = d.id AND x.due_at IS NOT NULL)`+fmt.Sprintf(` ORDER BY d.id DESC LIMIT $%d`, len(args)+1), append(args, n-len(due))...)
	return append(due, rest...), err
}

func (r reader) scanDialogs(ctx context.Context, q string, args ...any) ([]*beseda.Dialog, error) {
	rows, err := r.q.QueryContext(ctx, q, args...)
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

func refIDs(refs []beseda.Ref) []int64 {
	ids := make([]int64, len(refs))
	for i, r := range refs {
		ids[i] = r.ID
	}
	return ids
}

// AddDialogEvent records a change of a dialog in its history (L3). The
// insert is deferred (Tx.Defer).
func (tx *Tx) AddDialogEvent(ctx context.Context, e *beseda.DialogEvent) error {
	data, err := json.Marshal(e.Data)
	if err != nil {
		return fmt.Errorf("add dialog event: %w", err)
	}
	var actor any
	if e.Actor != nil {
		actor = e.Actor.ID
	}
	tx.Defer(ctx, `INSERT INTO dialog_events (dialog_id, actor_id, kind, data, created_at) VALUES ($1, $2, $3, $4, $5)`,
		e.DialogID, actor, string(e.Kind), string(data), ms(e.CreatedAt))
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

// DialogRefs are the catalog items and managers that a new or changed dialog
// names, by id, as FindDialogRefs read them, and which of its types have an
// SLA policy.
type DialogRefs struct {
	Items map[beseda.Catalog]map[int64]*beseda.CatalogItem
	Users map[int64]beseda.Ref
	// slaTypes are the types that have a policy of their own, and 0 if the
	// workspace has a default one (read with the types).
	slaTypes map[int64]bool
}

// HasSLAPolicy tells whether a dialog of the type, one of those looked up,
// gets an SLA policy (its own or the workspace's default): without one, a
// new dialog need not read any (FindSLASetup).
func (r *DialogRefs) HasSLAPolicy(typeID int64) bool { return r.slaTypes[typeID] || r.slaTypes[0] }

// FindDialogRefs reads, in one statement, the workspace's catalog items (of
// each catalog, removed or not) and managers with the given ids, and which
// of the types have an SLA policy. Ids of other workspaces or of nothing are
// simply absent.
func (r reader) FindDialogRefs(ctx context.Context, workspaceID int64, items map[beseda.Catalog][]int64, userIDs []int64) (*DialogRefs, error) {
	refs := &DialogRefs{Items: map[beseda.Catalog]map[int64]*beseda.CatalogItem{}, Users: map[int64]beseda.Ref{},
		slaTypes: map[int64]bool{}}
	var parts []string
	args := []any{workspaceID}
	nullTime := "NULL"
	if r.dialect == Postgres {
		nullTime = "NULL::bigint"
	}
	for _, c := range []beseda.Catalog{beseda.CatalogTypes, beseda.CatalogReasons, beseda.CatalogComponents} {
		refs.Items[c] = map[int64]*beseda.CatalogItem{}
		if len(items[c]) == 0 {
			continue
		}
		in, inArgs := r.inIDs("id", len(args)+1, items[c])
		parts = append(parts, `SELECT '`+string(c)+`', id, name, created_at, removed_at FROM `+catalogTable(c)+
			` WHERE workspace_id = $1 AND `+in)
		if c == beseda.CatalogTypes {
			// A workspace has a policy per type at most: a few rows.
			parts = append(parts, `SELECT 'sla', coalesce(type_id, 0), '', 0, `+nullTime+` FROM sla_policies WHERE workspace_id = $1`)
		}
		args = append(args, inArgs...)
	}
	if len(userIDs) > 0 {
		in, inArgs := r.inIDs("id", len(args)+1, userIDs)
		parts = append(parts, `SELECT 'users', id, name, created_at, `+nullTime+` FROM users WHERE workspace_id = $1 AND `+in)
		args = append(args, inArgs...)
	}
	if len(parts) == 0 {
		return refs, nil
	}
	rows, err := r.q.QueryContext(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, fmt.Errorf("find dialog refs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		it, err := scanCatalogItem(rows, &kind)
		if err != nil {
			return nil, fmt.Errorf("find dialog refs: %w", err)
		}
		switch kind {
		case "users":
			refs.Users[it.ID] = beseda.Ref{ID: it.ID, Name: it.Name}
		case "sla":
			refs.slaTypes[it.ID] = true
		default:
			refs.Items[beseda.Catalog(kind)][it.ID] = it
		}
	}
	return refs, rows.Err()
}
