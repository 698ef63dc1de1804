// Package store keeps Beseda's data in SQLite (embedded, the default) or
// PostgreSQL through database/sql and hand-written SQL.
//
// One file per aggregate (dialogs.go, messages.go, settings.go…). Reads run on
// DB or inside a Tx; writes only inside a Tx, which use cases in app/ open to
// combine several steps atomically. Invariants also live in the schema
// (migrations/{sqlite,postgres}), such as the partial unique index that allows
// one active dialog per subscriber.
//
// The SQL is the same for both dialects where it can be ($1 placeholders work
// in both); the few dialect-specific fragments are named methods of Dialect.
// This package holds no business rules: it stores what app/ decided.
package store
