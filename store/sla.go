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

// FindBusinessHours returns the workspace's business hours; a workspace that
// never set them is open at every hour, in UTC (T1).
func (r reader) FindBusinessHours(ctx context.Context, workspaceID int64) (*beseda.BusinessHours, error) {
	h := &beseda.BusinessHours{TimeZone: "UTC", Periods: []beseda.Period{}, Holidays: []beseda.Holiday{}}
	var periods, holidays string
	var updated int64
	err := r.q.QueryRowContext(ctx, `SELECT time_zone, periods, holidays, updated_at FROM business_hours
		WHERE workspace_id = $1`, workspaceID).Scan(&h.TimeZone, &periods, &holidays, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return h, nil
	} else if err != nil {
		return nil, fmt.Errorf("find business hours: %w", err)
	}
	if err := json.Unmarshal([]byte(periods), &h.Periods); err != nil {
		return nil, fmt.Errorf("find business hours: periods: %w", err)
	}
	if err := json.Unmarshal([]byte(holidays), &h.Holidays); err != nil {
		return nil, fmt.Errorf("find business hours: holidays: %w", err)
	}
	at := fromMS(updated)
	h.UpdatedAt = &at
	return h, nil
}

// SaveBusinessHours replaces the workspace's business hours.
func (tx *Tx) SaveBusinessHours(ctx context.Context, workspaceID int64, h *beseda.BusinessHours, at time.Time) error {
	periods, err := json.Marshal(h.Periods)
	if err != nil {
		return fmt.Errorf("save business hours: %w", err)
	}
	holidays, err := json.Marshal(h.Holidays)
	if err != nil {
		return fmt.Errorf("save business hours: %w", err)
	}
	_, err = tx.q.ExecContext(ctx, `INSERT INTO business_hours (workspace_id, time_zone, periods, holidays, updated_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (workspace_id) DO UPDATE SET time_zone = $2, periods = $3, holidays = $4, updated_at = $5`,
		workspaceID, h.TimeZone, string(periods), string(holidays), ms(at))
	if err != nil {
		return fmt.Errorf("save business hours: %w", err)
	}
	return nil
}

const slaPolicyColumns = `id, name, type_id, first_response_minutes, next_response_minutes, resolution_minutes, warn_percent, created_at`

func scanSLAPolicy(row interface{ Scan(...any) error }) (*beseda.SLAPolicy, error) {
	var p beseda.SLAPolicy
	var typeID sql.NullInt64
	var created int64
	if err := row.Scan(&p.ID, &p.Name, &typeID, &p.FirstResponseMinutes, &p.NextResponseMinutes, &p.ResolutionMinutes,
		&p.WarnPercent, &created); err != nil {
		return nil, err
	}
	p.TypeID, p.CreatedAt = fromNullID(typeID), fromMS(created)
	return &p, nil
}

// FindSLAPolicies returns the workspace's SLA policies, the default first.
func (r reader) FindSLAPolicies(ctx context.Context, workspaceID int64) ([]*beseda.SLAPolicy, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+slaPolicyColumns+` FROM sla_policies WHERE workspace_id = $1
		ORDER BY type_id IS NOT NULL, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("find sla policies: %w", err)
	}
	defer rows.Close()
	out := []*beseda.SLAPolicy{}
	for rows.Next() {
		p, err := scanSLAPolicy(rows)
		if err != nil {
			return nil, fmt.Errorf("find sla policies: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// FindSLAPolicy returns one policy of the workspace. Returns ENOTFOUND.
func (r reader) FindSLAPolicy(ctx context.Context, workspaceID, id int64) (*beseda.SLAPolicy, error) {
	p, err := scanSLAPolicy(r.q.QueryRowContext(ctx, `SELECT `+slaPolicyColumns+` FROM sla_policies
		WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beseda.NotFound("SLA policy")
	} else if err != nil {
		return nil, fmt.Errorf("find sla policy: %w", err)
	}
	return p, nil
}

func policyTaken(err error, p *beseda.SLAPolicy) error {
	if IsUniqueViolation(err) {
		if p.TypeID == nil {
			return beseda.Errorf(beseda.ESLAPOLICYEXISTS, "the workspace has a default SLA policy already")
		}
		return beseda.Errorf(beseda.ESLAPOLICYEXISTS, "dialog type %d has an SLA policy already", *p.TypeID)
	}
	return err
}

// SaveSLAPolicy inserts p (ID 0) or updates it. Returns ESLAPOLICYEXISTS if
// its type (or the default) has another policy, ENOTFOUND.
func (tx *Tx) SaveSLAPolicy(ctx context.Context, workspaceID int64, p *beseda.SLAPolicy) error {
	var err error
	if p.ID == 0 {
		err = tx.q.QueryRowContext(ctx, `INSERT INTO sla_policies (workspace_id, name, type_id, first_response_minutes,
			next_response_minutes, resolution_minutes, warn_percent, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			workspaceID, p.Name, nullID(p.TypeID), p.FirstResponseMinutes, p.NextResponseMinutes, p.ResolutionMinutes,
			p.WarnPercent, ms(p.CreatedAt)).Scan(&p.ID)
	} else {
		var res sql.Result
		res, err = tx.q.ExecContext(ctx, `UPDATE sla_policies SET name = $1, type_id = $2, first_response_minutes = $3,
			next_response_minutes = $4, resolution_minutes = $5, warn_percent = $6 WHERE id = $7 AND workspace_id = $8`,
			p.Name, nullID(p.TypeID), p.FirstResponseMinutes, p.NextResponseMinutes, p.ResolutionMinutes, p.WarnPercent, p.ID, workspaceID)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return beseda.NotFound("SLA policy")
			}
		}
	}
	if err != nil {
		if e := policyTaken(err, p); e != err {
			return e
		}
		return fmt.Errorf("save sla policy: %w", err)
	}
	return nil
}

// DeleteSLAPolicy removes a policy; dialogs keep the targets they got.
// Returns ENOTFOUND.
func (tx *Tx) DeleteSLAPolicy(ctx context.Context, workspaceID, id int64) error {
	res, err := tx.q.ExecContext(ctx, `DELETE FROM sla_policies WHERE id = $1 AND workspace_id = $2`, id, workspaceID)
	if err != nil {
		return fmt.Errorf("delete sla policy: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return beseda.NotFound("SLA policy")
	}
	return nil
}

// hoursOf reads business hours from nullable columns (a LEFT JOIN): none
// means always open.
func hoursOf(tz, periods, holidays sql.NullString) (*beseda.BusinessHours, error) {
	h := &beseda.BusinessHours{TimeZone: "UTC"}
	if !tz.Valid {
		return h, nil
	}
	h.TimeZone = tz.String
	if err := json.Unmarshal([]byte(periods.String), &h.Periods); err != nil {
		return nil, fmt.Errorf("business hours: %w", err)
	}
	if err := json.Unmarshal([]byte(holidays.String), &h.Holidays); err != nil {
		return nil, fmt.Errorf("business hours: %w", err)
	}
	return h, nil
}

// FindSLASetup returns the policy a new dialog of the type gets (the type's,
// else the workspace's default; nil for none) and the business hours, in one
// statement (index sla_policies_type).
func (tx *Tx) FindSLASetup(ctx context.Context, workspaceID, typeID int64) (*beseda.SLAPolicy, *beseda.BusinessHours, error) {
	var p beseda.SLAPolicy
	var tz, periods, holidays sql.NullString
	err := tx.q.QueryRowContext(ctx, `SELECT p.id, p.first_response_minutes, p.next_response_minutes, p.resolution_minutes,
			p.warn_percent, h.time_zone, h.periods, h.holidays
		FROM sla_policies p LEFT JOIN business_hours h ON h.workspace_id = p.workspace_id
		WHERE p.workspace_id = $1 AND COALESCE(p.type_id, 0) IN ($2, 0)
		ORDER BY p.type_id IS NULL LIMIT 1`, workspaceID, typeID).Scan(&p.ID, &p.FirstResponseMinutes,
		&p.NextResponseMinutes, &p.ResolutionMinutes, &p.WarnPercent, &tz, &periods, &holidays)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, fmt.Errorf("find sla policy of dialog type: %w", err)
	}
	h, err := hoursOf(tz, periods, holidays)
	return &p, h, err
}

// CreateDialogSLA stores a new dialog's SLA clock (a deferred write).
func (tx *Tx) CreateDialogSLA(ctx context.Context, workspaceID, dialogID int64, c *beseda.SLAClock) error {
	raw, err := beseda.EncodeSLAClock(c)
	if err != nil {
		return fmt.Errorf("create dialog sla: %w", err)
	}
	tx.Defer(ctx, `INSERT INTO dialog_sla (dialog_id, workspace_id, clock, next_at, missed, due_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		dialogID, workspaceID, raw, nullMS(c.NextAt), int(c.Missed), nullMS(c.View().NextDueAt()))
	return nil
}

// LockDialogSLA reads a dialog's SLA clock and its workspace's business
// hours, locking the clock until the transaction ends (on SQLite the one
// writer does). Nil when the dialog has no SLA.
func (tx *Tx) LockDialogSLA(ctx context.Context, dialogID int64) (c *beseda.SLAClock, h *beseda.BusinessHours, workspaceID int64, err error) {
	var raw string
	var tz, periods, holidays sql.NullString
	err = tx.q.QueryRowContext(ctx, `SELECT s.clock, s.workspace_id, h.time_zone, h.periods, h.holidays
		FROM dialog_sla s LEFT JOIN business_hours h ON h.workspace_id = s.workspace_id
		WHERE s.dialog_id = $1`+tx.forUpdate("s"), dialogID).Scan(&raw, &workspaceID, &tz, &periods, &holidays)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, 0, nil
	} else if err != nil {
		return nil, nil, 0, fmt.Errorf("lock dialog sla: %w", err)
	}
	if c, err = beseda.DecodeSLAClock(raw); err != nil {
		return nil, nil, 0, fmt.Errorf("dialog %d sla: %w", dialogID, err)
	}
	h, err = hoursOf(tz, periods, holidays)
	return c, h, workspaceID, err
}

// SaveDialogSLA writes a dialog's SLA clock back (a deferred write).
func (tx *Tx) SaveDialogSLA(ctx context.Context, dialogID int64, c *beseda.SLAClock) error {
	raw, err := beseda.EncodeSLAClock(c)
	if err != nil {
		return fmt.Errorf("save dialog sla: %w", err)
	}
	var first, resolved any
	if c.FirstResponseWorked != nil {
		first = c.FirstResponseWorked.Milliseconds()
	}
	if c.ResolvedWorked != nil {
		resolved = c.ResolvedWorked.Milliseconds()
	}
	tx.Defer(ctx, `UPDATE dialog_sla SET clock = $1, next_at = $2, first_response_ms = $3, resolution_ms = $4, missed = $5,
		due_at = $6 WHERE dialog_id = $7`, raw, nullMS(c.NextAt), first, resolved, int(c.Missed), nullMS(c.View().NextDueAt()), dialogID)
	return nil
}

// FindDueSLA returns the dialogs whose SLA clock has a warning or breach due
// at now, the earliest first (index dialog_sla_next).
func (r reader) FindDueSLA(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT dialog_id FROM dialog_sla WHERE next_at <= $1 ORDER BY next_at LIMIT $2`,
		ms(now), limit)
	if err != nil {
		return nil, fmt.Errorf("find due sla: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("find due sla: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// RescheduleSLA has the sweep recompute every running SLA clock of the
// workspace at now (after its business hours changed).
func (tx *Tx) RescheduleSLA(ctx context.Context, workspaceID int64, now time.Time) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE dialog_sla SET next_at = $1 WHERE workspace_id = $2 AND next_at IS NOT NULL`,
		ms(now), workspaceID)
	if err != nil {
		return fmt.Errorf("reschedule sla: %w", err)
	}
	return nil
}

// RebuildSLARollup computes the SLA report's sums (sla_rollup, migration
// 00092) again from every dialog's SLA row, set-based, as the migration
// did: for bulk loads that write with the triggers that keep them turned
// off (internal/synth on PostgreSQL).
func (db *DB) RebuildSLARollup(ctx context.Context) error {
	return db.Update(ctx, func(tx *Tx) error {
		for _, q := range []string{`DELETE FROM sla_rollup`, `DELETE FROM sla_rollup_dialogs`,
			`INSERT INTO sla_rollup_dialogs (dialog_id, user_id, workspace_id, created_hour, type_id, attained, first_response_ms, resolution_ms)
			SELECT s.dialog_id, u.user_id, d.workspace_id, d.created_at / 3600000, d.type_id, CASE WHEN s.missed = 0 THEN 1 ELSE 0 END,
				s.first_response_ms, s.resolution_ms
			FROM dialog_sla s JOIN dialogs d ON d.id = s.dialog_id
			JOIN (SELECT dialog_id, 0 AS user_id FROM dialog_sla UNION ALL SELECT dialog_id, user_id FROM dialog_participants) u
				ON u.dialog_id = s.dialog_id`,
			`INSERT INTO sla_rollup (workspace_id, user_id, created_hour, type_id, dialogs, attained, first_responses, first_response_ms,
				resolutions, resolution_ms)
			SELECT workspace_id, user_id, created_hour, type_id, count(*), sum(attained), count(first_response_ms),
				coalesce(sum(first_response_ms), 0), count(resolution_ms), coalesce(sum(resolution_ms), 0)
			FROM sla_rollup_dialogs GROUP BY workspace_id, user_id, created_hour, type_id`} {
			if err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("rebuild sla rollup: %w", err)
			}
		}
		return nil
	})
}
