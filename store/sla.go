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
