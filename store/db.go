package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect is the SQL database behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DefaultURL is the database used when none is given: an SQLite file in the
// working directory.
const DefaultURL = "sqlite:beseda.db"

// DB is an open database. Its read methods run on a pool of readers; writes go
// through Update.
type DB struct {
	reader
	dialect Dialect
	url     string
	notify  *folded // PostgreSQL: tells other processes of live events (notify.go)
	// SQLite: copies the write-ahead log into the database off the writer's turn
	checkpoints *checkpointer
	rw          *sql.DB // writes; on SQLite a single connection, as SQLite has one writer
	ro          *sql.DB // reads; on PostgreSQL the same pool as rw
	// within: this DB is a view of one transaction (Tx.Within), in which
	// every read and every Update runs.
	within *Tx
	// writes counts Update's transactions and the time they held the
	// writer (WriteTime).
	writes struct{ n, busy atomic.Int64 }
	// lock: SQLite, a served database's lock file (WithServeLock), held
	// until Close.
	lock *os.File
}

// Option changes how Open connects.
type Option func(*options)

type options struct {
	wrap     func(driver.Connector) driver.Connector
	keys     *Keyring
	lockedBy string // WithServeLock
}

// WithServeLock is for `beseda serve` (and commands that must not run beside
// it): on SQLite the database is locked for this process until Close, and a
// database another process holds is refused, naming it (see lockSQLite). by
// tells the other who holds it ("beseda serve, listening on ADDR").
func WithServeLock(by string) Option {
	return func(o *options) { o.lockedBy = by }
}

// WithKeyring seals the secrets the store keeps with keys (see Keyring).
func WithKeyring(keys *Keyring) Option {
	return func(o *options) { o.keys = keys }
}

// WithConnector has every connection made through wrap(connector): tests
// use it to count the statements a request runs.
func WithConnector(wrap func(driver.Connector) driver.Connector) Option {
	return func(o *options) { o.wrap = wrap }
}

// Open connects to the database named by dbURL ("sqlite:PATH", a bare path,
// or "postgres://…") and applies the embedded migrations.
func Open(ctx context.Context, dbURL string, opts ...Option) (*DB, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	db, err := open(dbURL, o)
	if err != nil {
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if db.dialect == Postgres {
		db.startNotifier()
	}
	return db, nil
}

// sqlOpen opens a pool of the driver through the option's connector wrapper,
// if any. SQLite connections keep their prepared statements (see
// cachingConnector); pgx does that by itself.
func sqlOpen(o options, driverName, dsn string) (*sql.DB, error) {
	if o.wrap == nil && driverName != "sqlite" {
		return sql.Open(driverName, dsn)
	}
	var c driver.Connector
	if driverName == "sqlite" {
		lite, err := sqlite.NewConnector(dsn)
		if err != nil {
			return nil, err
		}
		c = cachingConnector{lite}
	} else {
		probe, err := sql.Open(driverName, "")
		if err != nil {
			return nil, err
		}
		drv := probe.Driver()
		probe.Close()
		dc, ok := drv.(driver.DriverContext)
		if !ok {
			return nil, fmt.Errorf("driver %s makes no connectors", driverName)
		}
		if c, err = dc.OpenConnector(dsn); err != nil {
			return nil, err
		}
	}
	if o.wrap != nil {
		c = o.wrap(c)
	}
	return sql.OpenDB(c), nil
}

func open(dbURL string, o options) (*DB, error) {
	if dbURL == "" {
		dbURL = DefaultURL
	}
	dialect, path, err := ParseURL(dbURL)
	if err != nil {
		return nil, err
	}
	if dialect == Postgres {
		pool, err := sqlOpen(o, "pgx", dbURL)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		// As many idle connections as open ones: with fewer, every burst
		// closed connections and opened new ones (a process fork each on
		// the server), which at 32 concurrent clients halved throughput and
		// doubled p99 (BENCHMARKS.md, load). 16 keeps the database busy
		// without its backends crowding its cores.
		pool.SetMaxOpenConns(16)
		pool.SetMaxIdleConns(16)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		// A connection keeps the plans it made (a foreign key's check,
		// prepared statements) for its life: renewed hourly, they follow
		// the tables' statistics as the tables grow.
		pool.SetConnMaxLifetime(time.Hour)
		db := &DB{dialect: Postgres, url: dbURL, rw: pool, ro: pool}
		db.reader = reader{q: conn{db: pool}, dialect: Postgres, keys: o.keys}
		return db, nil
	}

	if err := prepareSQLite(path); err != nil {
		return nil, err
	}
	var lock *os.File
	if o.lockedBy != "" {
		if lock, err = lockSQLite(path, o.lockedBy); err != nil {
			return nil, err
		}
	}
	fail := func(err error) (*DB, error) {
		if lock != nil {
			lock.Close()
		}
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	// WAL lets readers work while the one writer writes; writes start with
	// BEGIN IMMEDIATE so that a transaction that reads before it writes never
	// has to be retried; the busy timeout covers other processes (the CLI).
	params := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_pragma=wal_autocheckpoint(" + strconv.Itoa(writerCheckpointPages) + ")"
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + params
	// The checkpointer's connection is never wrapped: it is not a request's.
	cp, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fail(err)
	}
	cp.SetMaxOpenConns(1)
	dsn += "&_txlock=immediate"
	rw, err := sqlOpen(o, "sqlite", dsn)
	if err != nil {
		cp.Close()
		return fail(err)
	}
	rw.SetMaxOpenConns(1)
	rw.SetConnMaxIdleTime(0)
	ro, err := sqlOpen(o, "sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		rw.Close()
		cp.Close()
		return fail(err)
	}
	ro.SetMaxOpenConns(4)
	ro.SetMaxIdleConns(4)
	ro.SetConnMaxIdleTime(0)
	db := &DB{dialect: SQLite, url: dbURL, rw: rw, ro: ro, lock: lock}
	db.reader = reader{q: conn{db: ro}, dialect: SQLite, keys: o.keys}
	db.startCheckpointer(cp)
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	db.notify.end()
	err := db.stopCheckpointer()
	err = errors.Join(err, db.rw.Close())
	if db.ro != db.rw {
		err = errors.Join(err, db.ro.Close())
	}
	if db.lock != nil {
		err = errors.Join(err, db.lock.Close()) // releases the serve lock
	}
	return err
}

// Dialect tells which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// URL is the address the database was opened with.
func (db *DB) URL() string { return db.url }

// WriteDB is the pool that writes; River works on it.
func (db *DB) WriteDB() *sql.DB { return db.rw }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.ro.PingContext(ctx) }

// Tx is a write transaction. Use cases receive it from Update and pass it to
// the store's write methods so that several steps commit or fail together.
type Tx struct {
	reader
	tx           *sql.Tx
	pending      *deferred
	afterCommit  []func()
	beforeCommit []func() error
	keyRecorded  bool // the sealing key's id is recorded (Tx.seal)
}

// SQL returns the underlying transaction, for libraries that enlist in it
// (River inserts jobs with it).
func (tx *Tx) SQL() *sql.Tx { return tx.tx }

// BeforeCommit registers fn to run when the use case is done, before the
// deferred writes are flushed and the transaction commits: for writes that
// report the final state of what the use case changed (outgoing webhook
// events), whatever it changes after registering them. An error rolls back.
func (tx *Tx) BeforeCommit(fn func() error) { tx.beforeCommit = append(tx.beforeCommit, fn) }

// AfterCommit registers fn to run once the transaction has committed, such as
// waking up listeners for what it wrote.
func (tx *Tx) AfterCommit(fn func()) { tx.afterCommit = append(tx.afterCommit, fn) }

// Update runs fn in a write transaction and commits it if fn returns nil.
// PostgreSQL deadlocks and serialization failures are retried a few times.
// On a view of a transaction (Tx.Within) fn runs inside that transaction,
// under a savepoint that an error rolls back.
func (db *DB) Update(ctx context.Context, fn func(tx *Tx) error) error {
	if db.within != nil {
		return db.within.nested(ctx, fn)
	}
	for attempt := 1; ; attempt++ {
		err := db.update(ctx, fn)
		if err == nil || attempt == 3 || !isRetryable(err) {
			return err
		}
	}
}

func (db *DB) update(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	began := time.Now()
	pending := &deferred{dialect: db.dialect}
	c := conn{db: db.rw, tx: sqlTx, pending: pending}
	tx := &Tx{reader: reader{q: c, dialect: db.dialect, keys: db.keys}, tx: sqlTx, pending: pending}
	err = fn(tx)
	for i := 0; err == nil && i < len(tx.beforeCommit); i++ {
		err = tx.beforeCommit[i]()
	}
	if err == nil {
		err = c.flush(ctx)
	}
	if err == nil {
		err = pending.err
	}
	if err != nil {
		_ = sqlTx.Rollback()
		db.wrote(began)
		return err
	}
	err = sqlTx.Commit()
	db.wrote(began)
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	db.checkpoints.committed()
	for _, f := range tx.afterCommit {
		f()
	}
	return nil
}

// WriteTime tells how many transactions Update has run in this process and
// how long they held the writer in all, from begin to commit or rollback
// (AfterCommit's functions, which run after, left out). On SQLite, whose one writer
// works one transaction at a time, the time's growth per second is how busy
// the writer is (beseda_db_write_seconds_total). River's own transactions
// are not counted.
func (db *DB) WriteTime() (transactions int64, busy time.Duration) {
	return db.writes.n.Load(), time.Duration(db.writes.busy.Load())
}

func (db *DB) wrote(began time.Time) {
	db.writes.n.Add(1)
	db.writes.busy.Add(int64(time.Since(began)))
}

// Within returns a view of the database in which every read and every
// Update runs in this transaction: many use cases' changes (the demo's
// seed) then commit together or not at all. Each Update of the view is a
// savepoint; its AfterCommit functions run once the transaction commits.
// Nothing else may use the database's writer meanwhile: on SQLite the
// transaction holds it.
func (tx *Tx) Within(db *DB) *DB {
	return &DB{reader: tx.reader, dialect: db.dialect, url: db.url, rw: db.rw, ro: db.ro, within: tx}
}

func (tx *Tx) nested(ctx context.Context, fn func(tx *Tx) error) error {
	if _, err := tx.q.ExecContext(ctx, "SAVEPOINT nested"); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	inner := &Tx{reader: tx.reader, tx: tx.tx, pending: tx.pending}
	err := fn(inner)
	for i := 0; err == nil && i < len(inner.beforeCommit); i++ {
		err = inner.beforeCommit[i]()
	}
	if err == nil {
		err = tx.q.(conn).flush(ctx)
	}
	if err != nil {
		tx.pending.stmts, tx.pending.err = nil, nil
		if _, rerr := tx.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT nested"); rerr != nil {
			return errors.Join(err, fmt.Errorf("rollback to savepoint: %w", rerr))
		}
		return err
	}
	if _, err := tx.tx.ExecContext(ctx, "RELEASE SAVEPOINT nested"); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	tx.afterCommit = append(tx.afterCommit, inner.afterCommit...)
	return nil
}

type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// reader holds the read methods, shared by DB (its reader pool) and Tx.
type reader struct {
	q       queryer
	dialect Dialect
	keys    *Keyring // nil: secrets are stored as they are
}

// forUpdate locks the rows of table alias until the transaction ends. SQLite
// needs no row locks: its write transactions (BEGIN IMMEDIATE) already run one
// at a time.
func (r reader) forUpdate(alias string) string {
	if r.dialect == Postgres {
		return " FOR UPDATE OF " + alias
	}
	return ""
}

// placeholders returns the placeholders of n arguments numbered from "from":
// "$from, $from+1, …" on PostgreSQL. On SQLite it returns plain "?"s, which
// take the next numbers: so they must come after the statement's $1…$from-1.
// (SQLite looks a "$N" name up in a list, which makes statements with
// thousands of them quadratic to prepare.)
func (r reader) placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		if r.dialect == SQLite {
			b.WriteByte('?')
			continue
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(from + i))
	}
	return b.String()
}

// inIDs returns a condition "column is one of ids", whose argument(s) are
// numbered from "from", and the arguments: one array on PostgreSQL (one
// parameter however many ids), a list of placeholders on SQLite.
func (r reader) inIDs(column string, from int, ids []int64) (string, []any) {
	if r.dialect == Postgres {
		return fmt.Sprintf("%s = ANY($%d)", column, from), []any{ids}
	}
	return column + " IN (" + r.placeholders(from, len(ids)) + ")", int64Args(ids)
}

// Values returns the VALUES list of a multi-row INSERT of rows × cols
// arguments, numbered from 1 (see placeholders).
func (r reader) Values(rows, cols int) string {
	var b strings.Builder
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		b.WriteString(r.placeholders(1+i*cols, cols))
		b.WriteByte(')')
	}
	return b.String()
}

func int64Args(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

// IsUniqueViolation reports whether err is a unique-constraint violation,
// recognised by the driver's error code.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE ||
			liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

func isRetryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

// Times are stored as milliseconds since the epoch (see the migrations).
func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func nullMS(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

func fromNullMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

func fromNullInt(v sql.NullInt64) *int {
	if !v.Valid {
		return nil
	}
	n := int(v.Int64)
	return &n
}

func fromNullID(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	return &v.Int64
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(id *int64) any {
	if id == nil {
		return nil
	}
	return *id
}

// Exec runs a statement in the transaction. It is for tools that write rows in
// bulk (internal/synth); use cases use the named methods.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) error {
	_, err := tx.q.ExecContext(ctx, query, args...)
	return err
}

// QueryIDs runs a statement that returns one id column, such as a multi-row
// INSERT … RETURNING id, for bulk tools.
func (tx *Tx) QueryIDs(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := tx.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
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

// Vacuum has the database bring its statistics up to date (and on
// PostgreSQL its visibility map, which index-only scans need) after bulk
// loads, as autovacuum would in time. Empty tables are left alone: a
// PostgreSQL table analysed while empty is planned as empty, and a plan made
// then (a foreign key's check, cached for the connection's life) scans the
// whole table as it grows — never-analysed tables are planned by their size.
func (db *DB) Vacuum(ctx context.Context) error {
	list := `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'`
	analyze := "ANALYZE "
	if db.dialect == Postgres {
		list = `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE c.relkind = 'r' AND n.nspname = current_schema()`
		analyze = "VACUUM ANALYZE "
	}
	rows, err := db.rw.QueryContext(ctx, list)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range tables {
		quoted := `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
		var filled bool
		if err := db.rw.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+quoted+`)`).Scan(&filled); err != nil {
			return err
		}
		if !filled {
			continue
		}
		if _, err := db.rw.ExecContext(ctx, analyze+quoted); err != nil {
			return err
		}
	}
	return nil
}
