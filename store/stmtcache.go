package store

import (
	"context"
	"database/sql/driver"
	"errors"

	"reflect"
)

// cachingConnector gives every SQLite connection a cache of prepared
// statements. modernc's driver parses and plans a statement on every
// QueryContext/ExecContext call, which for most of our statements costs as
// much as running them; prepared once per connection, a statement is only
// reset and bound again. (database/sql's own Stmt cannot do this here: it
// prepares on a free connection of the pool, and the SQLite writer pool has
// one, held by the transaction that wants the statement.)
type cachingConnector struct{ driver.Connector }

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &cachingConn{Conn: conn, stmts: map[string]*cachedStmt{}}, nil
}

// maxConnStatements bounds a connection's cache: statements built with a
// varying number of placeholders (long IN lists) would otherwise fill it.
const maxConnStatements = 256

type cachingConn struct {
	driver.Conn
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	driver.Stmt
	busy bool // its rows are open: a nested use prepares a one-off statement
}

var (
	_ driver.QueryerContext     = (*cachingConn)(nil)
	_ driver.ExecerContext      = (*cachingConn)(nil)
	_ driver.ConnBeginTx        = (*cachingConn)(nil)
	_ driver.ConnPrepareContext = (*cachingConn)(nil)
	_ driver.SessionResetter    = (*cachingConn)(nil)
	_ driver.Validator          = (*cachingConn)(nil)
	_ driver.Pinger             = (*cachingConn)(nil)
)

// stmt returns the cached statement for query, marked busy, and a function
// that releases it; a statement that cannot be cached is closed on release.
func (c *cachingConn) stmt(ctx context.Context, query string) (*cachedStmt, func(), error) {
	if s, ok := c.stmts[query]; ok && !s.busy {
		s.busy = true
		return s, func() { s.busy = false }, nil
	}
	ds, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	s := &cachedStmt{Stmt: ds, busy: true}
	if _, taken := c.stmts[query]; taken || len(c.stmts) >= maxConnStatements {
		return s, func() { ds.Close() }, nil
	}
	c.stmts[query] = s
	return s, func() { s.busy = false }, nil
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, release, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		release()
		return nil, err
	}
	return &releasingRows{Rows: rows, release: release}, nil
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s, release, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	defer release()
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *cachingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *cachingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *cachingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *cachingConn) Close() error {
	var errs []error
	for q, s := range c.stmts {
		errs = append(errs, s.Stmt.Close())
		delete(c.stmts, q)
	}
	return errors.Join(append(errs, c.Conn.Close())...)
}

// releasingRows gives its statement back when closed.
type releasingRows struct {
	driver.Rows
	release func()
	closed  bool
}

func (r *releasingRows) Close() error {
	err := r.Rows.Close()
	if !r.closed {
		r.closed = true
		r.release()
	}
	return err
}

func (r *releasingRows) Next(dest []driver.Value) error { return r.Rows.Next(dest) }

func (r *releasingRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

func (r *releasingRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}
