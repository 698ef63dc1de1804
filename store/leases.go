package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/beseda/beseda"
)

// Delivery leases: one deliverer per channel at a time, which keeps pacing
// right and every chat in order. A lease is the channel's delivery_leases row
// (holder, expires_at); only deliverers write it, never producers (D1).
//
// On PostgreSQL, where several processes share the database, a holder also
// keeps a session-level advisory lock on the channel on a connection of its
// own. The server drops that connection and its locks the moment the process
// dies, so another process takes the lease over at once instead of waiting for
// it to run out (D3); and while the lock is held nobody else takes the lease,
// however late the holder is in renewing it. On SQLite one process runs: a
// lease is the row alone, free when released or expired, and a lease found at
// start is a previous run's (ResetDeliveryLeases).

// leaseLockSpace is the first key of the advisory locks of delivery leases
// (the second is the channel), apart from River's and the migration lock's,
// which use the one-key form.
const leaseLockSpace int32 = 0x42534441 // "BSDA"

// Lease is a deliverer's hold on a channel's delivery; its Session is the
// lock session it was taken on (PostgreSQL).
type Lease = beseda.Lease

// Leases takes and keeps the delivery leases of one process.
type Leases struct {
	db *DB

	mu      sync.Mutex // one statement at a time on conn
	conn    *pgx.Conn  // PostgreSQL: the lock session, opened on first use
	session uint64     // counts lock sessions; a lease of an older one is lost
}

// Leases returns a process's lease keeper. Close it to give up its leases.
func (db *DB) Leases() *Leases { return &Leases{db: db} }

// lockKey is the advisory lock's second key for a channel. Ids beyond 2^31
// share keys with smaller ones; two such channels then exclude each other
// across processes, which costs speed, never correctness.
func lockKey(channelID int64) int32 { return int32(channelID & 0x7fffffff) }

// Acquire takes the channel's lease for holder until the given time. It
// returns nil when another live holder has it: on PostgreSQL, one holding the
// channel's advisory lock; on SQLite, one whose lease has not run out.
func (l *Leases) Acquire(ctx context.Context, channelID int64, holder string, now, until time.Time) (*Lease, error) {
	ctx, cancel := leaseContext(ctx)
	defer cancel()
	if l.db.dialect == SQLite {
		var n int64
		err := l.db.Update(ctx, func(tx *Tx) error {
			res, err := tx.q.ExecContext(ctx, `INSERT INTO delivery_leases (channel_id, holder, expires_at) VALUES ($1, $2, $3)
				ON CONFLICT (channel_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
				WHERE delivery_leases.holder = '' OR delivery_leases.expires_at <= $4`,
				channelID, holder, ms(until), ms(now))
			if err == nil {
				n, _ = res.RowsAffected()
			}
			return err
		})
		if err != nil || n == 0 {
			return nil, wrap("acquire lease", err)
		}
		return &Lease{ChannelID: channelID, Holder: holder}, nil
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	conn, err := l.connect(ctx)
	if err != nil {
		return nil, fmt.Errorf("acquire lease: %w", err)
	}
	var locked bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, $2)`, leaseLockSpace, lockKey(channelID)).Scan(&locked); err != nil {
		return nil, fmt.Errorf("acquire lease: %w", l.failed(err))
	}
	if !locked {
		return nil, nil
	}
	// The lock is ours, so whoever the row names is gone: take it whether or
	// not their lease has run out.
	if _, err := conn.Exec(ctx, `INSERT INTO delivery_leases (channel_id, holder, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (channel_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at`,
		channelID, holder, ms(until)); err != nil {
		err = l.failed(err)
		if l.conn != nil {
			_, _ = conn.Exec(ctx, `SELECT pg_advisory_unlock($1, $2)`, leaseLockSpace, lockKey(channelID))
		}
		return nil, fmt.Errorf("acquire lease: %w", err)
	}
	return &Lease{ChannelID: channelID, Holder: holder, Session: l.session}, nil
}

// Renew extends a lease; false means it is lost (another holder took it over,
// or on PostgreSQL the lock session ended).
func (l *Leases) Renew(ctx context.Context, lease *Lease, until time.Time) (bool, error) {
	ctx, cancel := leaseContext(ctx)
	defer cancel()
	const q = `UPDATE delivery_leases SET expires_at = $1 WHERE channel_id = $2 AND holder = $3`
	if l.db.dialect == SQLite {
		var n int64
		err := l.db.Update(ctx, func(tx *Tx) error {
			res, err := tx.q.ExecContext(ctx, q, ms(until), lease.ChannelID, lease.Holder)
			if err == nil {
				n, _ = res.RowsAffected()
			}
			return err
		})
		return n == 1, wrap("renew lease", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil || lease.Session != l.session {
		return false, nil
	}
	// On the lock session itself: renewing also proves it is alive.
	tag, err := l.conn.Exec(ctx, q, ms(until), lease.ChannelID, lease.Holder)
	if err != nil {
		return false, fmt.Errorf("renew lease: %w", l.failed(err))
	}
	return tag.RowsAffected() == 1, nil
}

// Release gives a lease up, if it is still held.
func (l *Leases) Release(ctx context.Context, lease *Lease) error {
	ctx, cancel := leaseContext(ctx)
	defer cancel()
	const q = `UPDATE delivery_leases SET holder = '', expires_at = 0 WHERE channel_id = $1 AND holder = $2`
	if l.db.dialect == SQLite {
		return wrap("release lease", l.db.Update(ctx, func(tx *Tx) error {
			_, err := tx.q.ExecContext(ctx, q, lease.ChannelID, lease.Holder)
			return err
		}))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil || lease.Session != l.session {
		return nil // the session ended, and the lock with it
	}
	if _, err := l.conn.Exec(ctx, q, lease.ChannelID, lease.Holder); err != nil {
		return fmt.Errorf("release lease: %w", l.failed(err))
	}
	if _, err := l.conn.Exec(ctx, `SELECT pg_advisory_unlock($1, $2)`, leaseLockSpace, lockKey(lease.ChannelID)); err != nil {
		return fmt.Errorf("release lease: %w", l.failed(err))
	}
	return nil
}

// Close ends the lock session, giving up every lease of this process on
// PostgreSQL.
func (l *Leases) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		return nil
	}
	err := l.conn.Close(context.Background())
	l.conn = nil
	l.session++
	return err
}

func (l *Leases) connect(ctx context.Context) (*pgx.Conn, error) {
	if l.conn != nil {
		return l.conn, nil
	}
	cfg, err := pgx.ParseConfig(l.db.url)
	if err != nil {
		return nil, err
	}
	cfg.RuntimeParams["application_name"] = "beseda delivery leases"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	l.conn = conn
	l.session++
	return conn, nil
}

// failed drops the lock session after an error that may have broken it: the
// locks it held may be gone, so the leases taken on it count as lost.
func (l *Leases) failed(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && !l.conn.IsClosed() {
		return err // the statement failed; the session is fine
	}
	_ = l.conn.Close(context.Background())
	l.conn = nil
	l.session++
	return err
}

// leaseContext bounds a lease statement but ignores the caller's
// cancellation: pgx closes a connection whose statement is cancelled, which
// would drop every lock of the process, not just the caller's.
func leaseContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
}

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
