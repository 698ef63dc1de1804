// Package jobs runs Beseda's background work with River, on SQLite and on
// PostgreSQL: delivery of pending messages, a sweep that restarts delivery
// nobody is doing, broadcast production and funnel steps. Jobs are inserted in
// the transaction of the change that needs them (app.Jobs), except deliver
// jobs, which the delivery engine starts after a commit (at most one waiting
// per channel); the workers call app/ and the delivery engine and decide
// nothing themselves.
package jobs
