package app

import (
	"context"
	"time"

	"github.com/beseda/beseda/store"
)

// Jobs queues background work in the transaction of the change that needs
// it, so that the work exists exactly when the change commits. jobs/
// implements it with River.
type Jobs interface {
	// ProduceBroadcast queues the production of a broadcast's messages.
	ProduceBroadcast(ctx context.Context, tx *store.Tx, broadcastID int64) error
	// FunnelStep queues a funnel step for a client at its due time.
	FunnelStep(ctx context.Context, tx *store.Tx, enrollmentID int64, position int, at time.Time) error
	// StartTask queues the start of a manager's task at its time.
	StartTask(ctx context.Context, tx *store.Tx, taskID int64, at time.Time) error
	// RetryInbound queues another try of a webhook event that could not be
	// stored (see RecordInboundFailure).
	RetryInbound(ctx context.Context, tx *store.Tx, failureID int64, at time.Time) error
}

// SetJobs connects the background work; the server does it once at start.
func (a *App) SetJobs(j Jobs) { a.jobs = j }
