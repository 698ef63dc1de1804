package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/beseda/beseda"
)

// CreateWebhook stores a subscription with its event types and sets its ID.
func (tx *Tx) CreateWebhook(ctx context.Context, w *beseda.Webhook, createdBy int64) error {
	err := tx.q.QueryRowContext(ctx, `
		INSERT INTO webhooks (workspace_id, url, secret, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		w.WorkspaceID, w.URL, tx.seal(ctx, webhookSecret, w.Secret), createdBy, ms(w.CreatedAt)).Scan(&w.ID)
	if err != nil {
		return fmt.Errorf("create webhook: %w", err)
	}
	args := make([]any, 0, 3*len(w.Events))
	for _, t := range w.Events {
		args = append(args, w.WorkspaceID, string(t), w.ID)
	}
	tx.Defer(ctx, `INSERT INTO webhook_event_types (workspace_id, type, webhook_id) VALUES `+
		tx.Values(len(w.Events), 3), args...)
	return nil
}

// FindWebhooks returns a workspace's subscriptions in the order they were
// added, without their secrets.
func (r reader) FindWebhooks(ctx context.Context, workspaceID int64) ([]*beseda.Webhook, error) {
	return r.findWebhooks(ctx, `w.workspace_id = $1`, workspaceID)
}

// FindWebhook returns one of a workspace's subscriptions, without its
// secret. Returns ENOTFOUND, also for another workspace's.
func (r reader) FindWebhook(ctx context.Context, workspaceID, id int64) (*beseda.Webhook, error) {
	list, err := r.findWebhooks(ctx, `w.workspace_id = $1 AND w.id = $2`, workspaceID, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, beseda.NotFound("webhook")
	}
	return list[0], nil
}

func (r reader) findWebhooks(ctx context.Context, where string, args ...any) ([]*beseda.Webhook, error) {
	rows, err := r.q.QueryContext(ctx, `
		SELECT w.id, w.workspace_id, w.url, w.created_at, t.type
		FROM webhooks w JOIN webhook_event_types t ON t.webhook_id = w.id
		WHERE `+where+` ORDER BY w.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find webhooks: %w", err)
	}
	defer rows.Close()
	out := []*beseda.Webhook{}
	for rows.Next() {
		var w beseda.Webhook
		var created int64
		var typ string
		if err := rows.Scan(&w.ID, &w.WorkspaceID, &w.URL, &created, &typ); err != nil {
			return nil, fmt.Errorf("find webhooks: %w", err)
		}
		if n := len(out); n == 0 || out[n-1].ID != w.ID {
			w.CreatedAt = fromMS(created)
			out = append(out, &w)
		}
		last := out[len(out)-1]
		last.Events = append(last.Events, beseda.WebhookEventType(typ))
	}
	for _, w := range out {
		slices.SortFunc(w.Events, func(a, b beseda.WebhookEventType) int {
			return slices.Index(beseda.WebhookEventTypes, a) - slices.Index(beseda.WebhookEventTypes, b)
		})
	}
	return out, rows.Err()
}

// WorkspacesWithWebhooks lists the workspaces that have a subscription.
func (r reader) WorkspacesWithWebhooks(ctx context.Context) ([]int64, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT DISTINCT workspace_id FROM webhooks`)
	if err != nil {
		return nil, fmt.Errorf("workspaces with webhooks: %w", err)
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

// DeleteWebhook removes a subscription with its deliveries and their
// attempts. Returns ENOTFOUND.
func (tx *Tx) DeleteWebhook(ctx context.Context, workspaceID, id int64) error {
	res, err := tx.q.ExecContext(ctx, `DELETE FROM webhooks WHERE id = $1 AND workspace_id = $2`, id, workspaceID)
	if err != nil {
		return fmt.Errorf("delete webhook: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return beseda.NotFound("webhook")
	}
	// webhook_attempts go with them (ON DELETE CASCADE).
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE webhook_id = $1`, id); err != nil {
		return fmt.Errorf("delete webhook: %w", err)
	}
	return nil
}

// QueueWebhookEvent queues one delivery of an event to every subscription
// of the workspace that takes its type, and nothing when none does. It is a
// deferred write (see Tx.Defer): it goes to the database with the use
// case's other bookkeeping, in the same round trip. The primary key of
// webhook_event_types serves the lookup.
func (tx *Tx) QueueWebhookEvent(ctx context.Context, workspaceID int64, eventID string, t beseda.WebhookEventType,
	body []byte, at time.Time) {
	// CAST: PostgreSQL cannot tell the type of a parameter in a select list.
	tx.Defer(ctx, `INSERT INTO webhook_deliveries (webhook_id, workspace_id, event_id, type, body, next_attempt_at, created_at)
		SELECT webhook_id, workspace_id, CAST($3 AS TEXT), type, CAST($4 AS TEXT), CAST($5 AS BIGINT), CAST($5 AS BIGINT)
		FROM webhook_event_types WHERE workspace_id = $1 AND type = $2`,
		workspaceID, string(t), eventID, string(body), ms(at))
}

// QueueWebhookDelivery queues an event to one subscription (a test event)
// and returns the delivery.
func (tx *Tx) QueueWebhookDelivery(ctx context.Context, w *beseda.Webhook, eventID string, t beseda.WebhookEventType,
	body []byte, at time.Time) (*beseda.WebhookDelivery, error) {
	d := &beseda.WebhookDelivery{WebhookID: w.ID, WorkspaceID: w.WorkspaceID, EventID: eventID, Type: t,
		Status: beseda.WebhookPending, NextAttemptAt: &at, CreatedAt: at, AttemptLog: []beseda.WebhookAttempt{}, Body: body}
	err := tx.q.QueryRowContext(ctx, `
		INSERT INTO webhook_deliveries (webhook_id, workspace_id, event_id, type, body, next_attempt_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
		w.ID, w.WorkspaceID, eventID, string(t), string(body), ms(at)).Scan(&d.ID)
	if err != nil {
		return nil, fmt.Errorf("queue webhook delivery: %w", err)
	}
	return d, nil
}

// ClaimedDelivery is a delivery this sender holds the lease of, with its
// subscription's address and secret.
type ClaimedDelivery struct {
	*beseda.WebhookDelivery
	URL    string
	Secret []byte
}

// ClaimWebhookDeliveries leases up to limit deliveries that are due at now
// and that nobody holds (or whose holder's lease ran out) to holder until
// leaseUntil: each delivery is attempted by one sender at a time.
// Deliveries whose subscription is gone are dropped. Index
// webhook_deliveries_due serves the search.
func (db *DB) ClaimWebhookDeliveries(ctx context.Context, holder string, now, leaseUntil time.Time, limit int) ([]*ClaimedDelivery, error) {
	var out []*ClaimedDelivery
	err := db.Update(ctx, func(tx *Tx) error {
		skipLocked := ""
		if tx.dialect == Postgres {
			skipLocked = " FOR UPDATE SKIP LOCKED"
		}
		rows, err := tx.q.QueryContext(ctx, `
			UPDATE webhook_deliveries SET lease_holder = $1, lease_until = $2
			WHERE id IN (SELECT id FROM webhook_deliveries
				WHERE status = 'pending' AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
				ORDER BY next_attempt_at LIMIT $4`+skipLocked+`)
			RETURNING id, webhook_id, workspace_id, event_id, type, body, attempts, created_at`,
			holder, ms(leaseUntil), ms(now), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		out = nil
		for rows.Next() {
			d := &beseda.WebhookDelivery{Status: beseda.WebhookPending}
			var typ, body string
			var created int64
			if err := rows.Scan(&d.ID, &d.WebhookID, &d.WorkspaceID, &d.EventID, &typ, &body, &d.Attempts, &created); err != nil {
				return err
			}
			d.Type, d.Body, d.CreatedAt = beseda.WebhookEventType(typ), []byte(body), fromMS(created)
			out = append(out, &ClaimedDelivery{WebhookDelivery: d})
		}
		if err := rows.Err(); err != nil || len(out) == 0 {
			return err
		}
		rows.Close()
		ids := make([]int64, 0, len(out))
		for _, c := range out {
			if !slices.Contains(ids, c.WebhookID) {
				ids = append(ids, c.WebhookID)
			}
		}
		cond, args := tx.inIDs("id", 1, ids)
		hooks, err := tx.q.QueryContext(ctx, `SELECT id, url, secret FROM webhooks WHERE `+cond, args...)
		if err != nil {
			return err
		}
		defer hooks.Close()
		type hook struct {
			url    string
			secret []byte
		}
		found := map[int64]hook{}
		for hooks.Next() {
			var id int64
			var h hook
			var sealed string
			if err := hooks.Scan(&id, &h.url, &sealed); err != nil {
				return err
			}
			if h.secret, err = tx.open(webhookSecret, sealed); err != nil {
				return fmt.Errorf("webhook %d: %w", id, err)
			}
			found[id] = h
		}
		if err := hooks.Err(); err != nil {
			return err
		}
		kept := out[:0]
		var orphans []int64
		for _, c := range out {
			if h, ok := found[c.WebhookID]; ok {
				c.URL, c.Secret = h.url, h.secret
				kept = append(kept, c)
			} else {
				orphans = append(orphans, c.ID)
			}
		}
		out = kept
		if len(orphans) > 0 {
			cond, args := tx.inIDs("id", 1, orphans)
			if _, err := tx.q.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE `+cond, args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim webhook deliveries: %w", err)
	}
	return out, nil
}

// RecordWebhookAttempt stores an attempt of a delivery that holder leased,
// and the delivery's new state: delivered, pending until next, or failed.
// It reports false, storing nothing, when the lease was lost meanwhile (the
// delivery is someone else's now, or gone with its subscription).
func (db *DB) RecordWebhookAttempt(ctx context.Context, deliveryID int64, holder string, a beseda.WebhookAttempt,
	status beseda.WebhookDeliveryStatus, next *time.Time) (bool, error) {
	var recorded bool
	err := db.Update(ctx, func(tx *Tx) error {
		var finished *time.Time
		if status != beseda.WebhookPending {
			finished = &a.At
		}
		res, err := tx.q.ExecContext(ctx, `
			UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, next_attempt_at = $2, finished_at = $3,
				lease_holder = NULL, lease_until = NULL
			WHERE id = $4 AND lease_holder = $5`,
			string(status), nullMS(next), nullMS(finished), deliveryID, holder)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		var code any
		if a.StatusCode != nil {
			code = *a.StatusCode
		}
		tx.Defer(ctx, `INSERT INTO webhook_attempts (delivery_id, attempted_at, status_code, error, duration_ms, response)
			VALUES ($1, $2, $3, $4, $5, $6)`,
			deliveryID, ms(a.At), code, nullString(a.Error), a.DurationMS, nullString(a.Response))
		recorded = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("record webhook attempt: %w", err)
	}
	return recorded, nil
}

// FindWebhookDeliveries returns a subscription's latest deliveries, newest
// first, each with its attempts (newest first). Index
// webhook_deliveries_webhook serves it.
func (r reader) FindWebhookDeliveries(ctx context.Context, webhookID int64, limit int) ([]*beseda.WebhookDelivery, error) {
	rows, err := r.q.QueryContext(ctx, `
		SELECT id, webhook_id, workspace_id, event_id, type, status, attempts, next_attempt_at, created_at, finished_at
		FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2`, webhookID, limit)
	if err != nil {
		return nil, fmt.Errorf("find webhook deliveries: %w", err)
	}
	defer rows.Close()
	out := []*beseda.WebhookDelivery{}
	byID := map[int64]*beseda.WebhookDelivery{}
	for rows.Next() {
		d := &beseda.WebhookDelivery{AttemptLog: []beseda.WebhookAttempt{}}
		var typ, status string
		var next, finished sql.NullInt64
		var created int64
		if err := rows.Scan(&d.ID, &d.WebhookID, &d.WorkspaceID, &d.EventID, &typ, &status, &d.Attempts,
			&next, &created, &finished); err != nil {
			return nil, fmt.Errorf("find webhook deliveries: %w", err)
		}
		d.Type, d.Status = beseda.WebhookEventType(typ), beseda.WebhookDeliveryStatus(status)
		d.NextAttemptAt, d.CreatedAt, d.FinishedAt = fromNullMS(next), fromMS(created), fromNullMS(finished)
		out = append(out, d)
		byID[d.ID] = d
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	rows.Close()
	ids := make([]int64, len(out))
	for i, d := range out {
		ids[i] = d.ID
	}
	cond, args := r.inIDs("delivery_id", 1, ids)
	attempts, err := r.q.QueryContext(ctx, `SELECT delivery_id, attempted_at, status_code, error, duration_ms, response
		FROM webhook_attempts WHERE `+cond+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("find webhook attempts: %w", err)
	}
	defer attempts.Close()
	for attempts.Next() {
		var id, at int64
		var a beseda.WebhookAttempt
		var code sql.NullInt64
		var errText, response sql.NullString
		if err := attempts.Scan(&id, &at, &code, &errText, &a.DurationMS, &response); err != nil {
			return nil, fmt.Errorf("find webhook attempts: %w", err)
		}
		a.At, a.StatusCode, a.Error, a.Response = fromMS(at), fromNullInt(code), errText.String, response.String
		byID[id].AttemptLog = append(byID[id].AttemptLog, a)
	}
	return out, attempts.Err()
}

// PruneWebhookDeliveries forgets finished deliveries (and their attempts)
// that finished before before.
func (db *DB) PruneWebhookDeliveries(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.Update(ctx, func(tx *Tx) error {
		res, err := tx.q.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE status <> 'pending' AND finished_at < $1`, ms(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune webhook deliveries: %w", err)
	}
	return n, nil
}
