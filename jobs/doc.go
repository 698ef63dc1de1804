// Package jobs runs Beseda's background work with River, on SQLite and on
// PostgreSQL: delivery of pending messages, a sweep that restarts delivery
// nobody is doing, broadcast production and funnel steps. Jobs are inserted in
// the transaction of the change that needs them (app.Jobs); the workers call
// use cases of app/ and decide nothing themselves.
package jobs
