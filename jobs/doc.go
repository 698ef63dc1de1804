// Package jobs runs Beseda's background work with River, on SQLite and on
// PostgreSQL: broadcast production, funnel steps, task starts, outgoing
// webhooks, inbound retries and pruning. Jobs are inserted in the transaction
// of the change that needs them (app.Jobs); the workers call app/ and decide
// nothing themselves. Delivery of pending messages is not a job: the delivery
// engine's deliverers are goroutines of each process under a lease, started
// here with the runner (see package delivery).
package jobs
