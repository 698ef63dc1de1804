// Package testkit helps tests run Beseda for real: fresh SQLite and
// PostgreSQL databases, a fake clock, a running server on a loopback port and
// an HTTP client for its API. Tests run once per database through Each.
//
// PostgreSQL is used when BESEDA_TEST_POSTGRES holds a server URL, or when a
// server answers on 127.0.0.1:5432; each test gets a database of its own,
// dropped when the test ends. Set BESEDA_TEST_POSTGRES=off to skip it. A
// test's database is a copy of a template migrated once per machine and
// version of the migrations (NewMigratedDatabase); NewDatabase and EachEmpty
// give empty ones, for tests of the migrations.
//
// Nothing waits for a fixed time: a wait watches for its condition and fails
// only after Timeout (at least a minute, times BESEDA_TEST_TIMEOUT_SCALE);
// browser steps run through Do, Run and Eval, each within its own Timeout.
package testkit
