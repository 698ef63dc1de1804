package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// conn is what the store's methods run their SQL on: a pool or a write
// transaction. In a transaction it first flushes the writes deferred with
// Tx.Defer, so that every statement sees them.
type conn struct {
	db      *sql.DB
	tx      *sql.Tx
	pending *deferred // nil outside a transaction
}

func (c conn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := c.flush(ctx); err != nil {
		return nil, err
	}
	if c.tx != nil {
		return c.tx.QueryContext(ctx, query, args...)
	}
	return c.db.QueryContext(ctx, query, args...)
}

func (c conn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	// A *sql.Row cannot carry a failed flush's error: it is kept and fails
	// the commit (on PostgreSQL the query below fails too, as the
	// transaction is aborted).
	_ = c.flush(ctx)
	if c.tx != nil {
		return c.tx.QueryRowContext(ctx, query, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

func (c conn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := c.flush(ctx); err != nil {
		return nil, err
	}
	if c.tx != nil {
		return c.tx.ExecContext(ctx, query, args...)
	}
	return c.db.ExecContext(ctx, query, args...)
}

// deferred holds a transaction's writes that nothing in the transaction reads
// back before commit (history entries, live events, link rows…).
type deferred struct {
	dialect Dialect
	stmts   []deferredStmt
	err     error // a failed flush; the transaction cannot commit
}

type deferredStmt struct {
	query       string
	args        []any
	verb, table string
}

// Defer queues a write to run before the transaction's next statement or
// its commit, whichever comes first. On PostgreSQL the writes queued in a row
// go to the server as one statement (a WITH of data-modifying statements), so
// a use case that ends with five bookkeeping writes pays one round trip.
// Defer only a single INSERT, UPDATE or DELETE whose result (ids, row counts)
// nobody needs. The statements of one WITH run on one snapshot and do not see
// each other's changes, so a write that may touch rows another queued write
// touches (an UPDATE or DELETE of a table already written, or any write to a
// table already updated) first flushes the queue.
func (tx *Tx) Defer(ctx context.Context, query string, args ...any) {
	verb, table := writeTarget(query)
	for _, s := range tx.pending.stmts {
		if s.table == table && (verb != "INSERT" || s.verb != "INSERT") {
			tx.q.(conn).flush(ctx)
			break
		}
	}
	tx.pending.stmts = append(tx.pending.stmts, deferredStmt{query: query, args: args, verb: verb, table: table})
}

// writeTarget returns the verb and table of an INSERT INTO t, UPDATE t or
// DELETE FROM t statement.
func writeTarget(query string) (verb, table string) {
	f := strings.Fields(query)
	if len(f) < 3 {
		panic("store: cannot defer " + query)
	}
	verb = strings.ToUpper(f[0])
	switch verb {
	case "INSERT", "DELETE":
		return verb, f[2]
	case "UPDATE":
		return verb, f[1]
	}
	panic("store: cannot defer " + query)
}

func (c conn) flush(ctx context.Context) error {
	if c.pending == nil || len(c.pending.stmts) == 0 {
		return nil
	}
	stmts := mergeInserts(c.pending.stmts)
	c.pending.stmts = nil
	if c.pending.dialect == Postgres && len(stmts) > 1 {
		query, args := withStatements(stmts)
		if _, err := c.tx.ExecContext(ctx, query, args...); err != nil {
			c.pending.err = fmt.Errorf("deferred writes: %w", err)
		}
		return c.pending.err
	}
	for _, s := range stmts {
		if _, err := c.ExecContext(ctx, s.query, s.args...); err != nil {
			c.pending.err = fmt.Errorf("deferred write: %w", err)
			return c.pending.err
		}
	}
	return nil
}

var placeholder = regexp.MustCompile(`\$([0-9]+)`)

// withStatements joins data-modifying statements into one:
// WITH w0 AS (…), w1 AS (…) SELECT 1, renumbering each one's $N parameters
// after those of the statements before it.
func withStatements(stmts []deferredStmt) (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString("WITH ")
	for i, s := range stmts {
		if i > 0 {
			b.WriteString(", ")
		}
		offset := len(args)
		fmt.Fprintf(&b, "w%d AS (", i)
		b.WriteString(placeholder.ReplaceAllStringFunc(s.query, func(p string) string {
			n, _ := strconv.Atoi(p[1:])
			return "$" + strconv.Itoa(n+offset)
		}))
		b.WriteString(")")
		args = append(args, s.args...)
	}
	b.WriteString(" SELECT 1")
	return b.String(), args
}

var insertValues = regexp.MustCompile(`^\s*INSERT INTO (\w+) \([^)]*\) VALUES (\((?:\$[0-9]+(?:, )?)+\))\s*$`)

// mergeInserts turns the queued single-row INSERTs of one statement text into
// one multi-row INSERT at the place of the first: one statement instead of
// several, and rows numbered in the order they were queued (history entries
// and live events are read back in id order).
func mergeInserts(stmts []deferredStmt) []deferredStmt {
	out := make([]deferredStmt, 0, len(stmts))
	first := map[string]int{} // query → index in out
	for _, s := range stmts {
		m := insertValues.FindStringSubmatch(s.query)
		if m == nil {
			out = append(out, s)
			continue
		}
		i, seen := first[s.query]
		if !seen {
			first[s.query] = len(out)
			out = append(out, s)
			continue
		}
		merged := &out[i]
		offset := len(merged.args)
		merged.query += ", " + placeholder.ReplaceAllStringFunc(m[2], func(p string) string {
			n, _ := strconv.Atoi(p[1:])
			return "$" + strconv.Itoa(n+offset)
		})
		merged.args = append(merged.args[:len(merged.args):len(merged.args)], s.args...)
	}
	return out
}
