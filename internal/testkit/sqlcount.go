package testkit

import (
	"context"
	"database/sql/driver"
	"net/http"
	"sync"
)

// Statements records the SQL statements, transactions and commits that run
// with a context made by CountStatements: a test of how many round trips a
// request costs.
type Statements struct {
	mu  sync.Mutex
	log StatementLog
}

// StatementLog is what ran: the statements (BEGIN and COMMIT not among
// them), and how many transactions began and committed.
type StatementLog struct {
	Queries []string
	Begins  int
	Commits int
}

// Snapshot returns a copy, safe to read while statements still run.
func (s *Statements) Snapshot() StatementLog {
	s.mu.Lock()
	defer s.mu.Unlock()
	return StatementLog{Queries: append([]string(nil), s.log.Queries...), Begins: s.log.Begins, Commits: s.log.Commits}
}

func (s *Statements) add(q string) {
	s.mu.Lock()
	s.log.Queries = append(s.log.Queries, q)
	s.mu.Unlock()
}

type statementsKey struct{}

// CountStatements returns a context under which the statements of a
// connection made by CountingConnector are recorded in the returned value.
func CountStatements(ctx context.Context) (context.Context, *Statements) {
	s := &Statements{}
	return context.WithValue(ctx, statementsKey{}, s), s
}

func statementsOf(ctx context.Context) *Statements {
	s, _ := ctx.Value(statementsKey{}).(*Statements)
	return s
}

// CountRequests is an HTTP middleware that counts each request's statements
// and hands them to record when the request is done.
func CountRequests(next http.Handler, record func(r *http.Request, s *Statements)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, s := CountStatements(r.Context())
		next.ServeHTTP(w, r.WithContext(ctx))
		record(r, s)
	})
}

// CountingConnector wraps a database connector so that statements run with a
// CountStatements context are recorded (see store.WithConnector). Statements
// of other contexts — background jobs — are not.
func CountingConnector(c driver.Connector) driver.Connector { return countingConnector{c} }

type countingConnector struct{ driver.Connector }

func (c countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: conn}, nil
}

type countingConn struct{ driver.Conn }

func (c *countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if s := statementsOf(ctx); s != nil {
		s.add(query)
	}
	q, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	return q.QueryContext(ctx, query, args)
}

func (c *countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if s := statementsOf(ctx); s != nil {
		s.add(query)
	}
	e, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	return e.ExecContext(ctx, query, args)
}

func (c *countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	return c.Conn.Prepare(query)
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	s := statementsOf(ctx)
	if s != nil {
		s.mu.Lock()
		s.log.Begins++
		s.mu.Unlock()
	}
	return countingTx{Tx: tx, s: s}, nil
}

func (c *countingConn) CheckNamedValue(v *driver.NamedValue) error {
	if n, ok := c.Conn.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(v)
	}
	return driver.ErrSkip
}

func (c *countingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *countingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *countingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

type countingTx struct {
	driver.Tx
	s *Statements
}

func (t countingTx) Commit() error {
	if t.s != nil {
		t.s.mu.Lock()
		t.s.log.Commits++
		t.s.mu.Unlock()
	}
	return t.Tx.Commit()
}
