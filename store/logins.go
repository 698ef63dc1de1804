package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// LoginFailures are the failed sign-ins of one account in the current window.
type LoginFailures struct {
	Count       int
	WindowStart time.Time
}

// FindLoginFailures returns the failures of the account counted since
// windowFrom (a window that began earlier is over: zero failures).
func (r reader) FindLoginFailures(ctx context.Context, email string, windowFrom time.Time) (LoginFailures, error) {
	var f LoginFailures
	var start int64
	err := r.q.QueryRowContext(ctx, `SELECT failures, window_start FROM login_failures WHERE email = $1 AND window_start > $2`,
		email, ms(windowFrom)).Scan(&f.Count, &start)
	if errors.Is(err, sql.ErrNoRows) {
		return LoginFailures{}, nil
	} else if err != nil {
		return f, fmt.Errorf("find login failures: %w", err)
	}
	f.WindowStart = fromMS(start)
	return f, nil
}

// ReserveLoginAttempt counts one more attempt of the account at now — before
// its password is compared, so that attempts in flight at once cannot all
// pass a check made before any of them was counted (H4) — in the window that
// began after windowFrom, or in a new one starting now. An account that has
// max in its window gets none: ok is false and f says when its window began.
// One conditional statement: processes and requests counting at once never
// count past max (PostgreSQL locks the row of a conflicting insert and checks
// the condition on its latest version; SQLite has one writer).
func (tx *Tx) ReserveLoginAttempt(ctx context.Context, email string, now, windowFrom time.Time, max int) (f LoginFailures, ok bool, err error) {
	var start int64
	err = tx.q.QueryRowContext(ctx, `
		INSERT INTO login_failures (email, failures, window_start) VALUES ($1, 1, $2)
		ON CONFLICT (email) DO UPDATE SET
			failures = CASE WHEN login_failures.window_start > $3 THEN login_failures.failures + 1 ELSE 1 END,
			window_start = CASE WHEN login_failures.window_start > $3 THEN login_failures.window_start ELSE $2 END
		WHERE login_failures.window_start <= $3 OR login_failures.failures < $4
		RETURNING failures, window_start`, email, ms(now), ms(windowFrom), max).Scan(&f.Count, &start)
	if errors.Is(err, sql.ErrNoRows) {
		// Refused: the account is at max in a window still running.
		f, err = tx.FindLoginFailures(ctx, email, windowFrom)
		if err != nil {
			return f, false, fmt.Errorf("reserve login attempt: %w", err)
		}
		return f, false, nil
	} else if err != nil {
		return f, false, fmt.Errorf("reserve login attempt: %w", err)
	}
	f.WindowStart = fromMS(start)
	return f, true, nil
}

// ClearLoginFailures forgets the failures of an account (a success).
func (tx *Tx) ClearLoginFailures(ctx context.Context, email string) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM login_failures WHERE email = $1`, email); err != nil {
		return fmt.Errorf("clear login failures: %w", err)
	}
	return nil
}

// PruneLoginFailures deletes the windows that began before the time (index
// login_failures_window), so that guessed emails do not pile up.
func (tx *Tx) PruneLoginFailures(ctx context.Context, before time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM login_failures WHERE window_start <= $1`, ms(before)); err != nil {
		return fmt.Errorf("prune login failures: %w", err)
	}
	return nil
}

// DeleteUserTokens ends every API token and console session of a user but
// the one whose hash is keep (nil: all of them), as a password change does.
func (tx *Tx) DeleteUserTokens(ctx context.Context, userID int64, keep []byte) error {
	if keep == nil {
		keep = []byte{}
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM auth_tokens WHERE user_id = $1 AND token_hash <> $2`, userID, keep); err != nil {
		return fmt.Errorf("delete tokens: %w", err)
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = $1 AND token_hash <> $2`, userID, keep); err != nil {
		return fmt.Errorf("delete api tokens: %w", err)
	}
	return nil
}
