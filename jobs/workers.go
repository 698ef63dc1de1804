package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// deliverArgs and sweepArgs are the jobs by which earlier versions ran the
// delivery engine. Its deliverers are now goroutines of each process (a dead
// process's job could block a channel until River rescued it, minutes later);
// jobs a database still holds from then only wake the engine.
type deliverArgs struct {
	ChannelID int64 `json:"channel_id"`
}

func (deliverArgs) Kind() string { return "deliver" }

type legacyDeliverWorker struct {
	river.WorkerDefaults[deliverArgs]
	r *Runner
}

func (w *legacyDeliverWorker) Work(ctx context.Context, job *river.Job[deliverArgs]) error {
	w.r.deliveries.Wake(ctx, job.Args.ChannelID)
	return nil
}

type sweepArgs struct{}

func (sweepArgs) Kind() string { return "sweep_deliveries" }

type legacySweepWorker struct {
	river.WorkerDefaults[sweepArgs]
}

func (legacySweepWorker) Work(context.Context, *river.Job[sweepArgs]) error { return nil }

// broadcastArgs: produce a broadcast's messages.
type broadcastArgs struct {
	BroadcastID int64 `json:"broadcast_id"`
}

func (broadcastArgs) Kind() string { return "produce_broadcast" }

type broadcastWorker struct {
	river.WorkerDefaults[broadcastArgs]
	r *Runner
}

func (w *broadcastWorker) Work(ctx context.Context, job *river.Job[broadcastArgs]) error {
	done, err := w.r.app.Automation.ProduceBroadcast(ctx, job.Args.BroadcastID, workBudget)
	if err != nil {
		return err
	}
	if !done {
		return river.JobSnooze(0)
	}
	return nil
}

// funnelStepArgs: produce a funnel step that is due.
type funnelStepArgs struct {
	EnrollmentID int64     `json:"enrollment_id"`
	Position     int       `json:"position"`
	DueAt        time.Time `json:"due_at"`
}

func (funnelStepArgs) Kind() string { return "funnel_step" }

type funnelStepWorker struct {
	river.WorkerDefaults[funnelStepArgs]
	r *Runner
}

func (w *funnelStepWorker) Work(ctx context.Context, job *river.Job[funnelStepArgs]) error {
	wait, err := w.r.app.Automation.ProduceFunnelStep(ctx, job.Args.EnrollmentID, job.Args.Position, job.Args.DueAt)
	return snoozeUntilDue(wait, err)
}

// snoozeUntilDue re-runs a job that ran before the application's clock says
// it is due. River schedules by the same clock in production, so this only
// happens when tests move a fake clock; checking every second lets them.
func snoozeUntilDue(wait time.Duration, err error) error {
	if err != nil || wait <= 0 {
		return err
	}
	return river.JobSnooze(min(wait, time.Second))
}

// taskStartArgs: start a manager's task at its time and tell them (C2).
type taskStartArgs struct {
	TaskID int64 `json:"task_id"`
}

func (taskStartArgs) Kind() string { return "task_start" }

type taskStartWorker struct {
	river.WorkerDefaults[taskStartArgs]
	r *Runner
}

func (w *taskStartWorker) Work(ctx context.Context, job *river.Job[taskStartArgs]) error {
	return snoozeUntilDue(w.r.app.Tasks.StartTask(ctx, job.Args.TaskID))
}

// LiveEventRetention is how long the live log keeps events, so that
// reconnecting consoles resume without gaps.
const LiveEventRetention = time.Hour

// pruneEventsArgs: forget live events older than the retention (periodic).
type pruneEventsArgs struct{}

func (pruneEventsArgs) Kind() string { return "prune_live_events" }

type pruneEventsWorker struct {
	river.WorkerDefaults[pruneEventsArgs]
	r *Runner
}

func (w *pruneEventsWorker) Work(ctx context.Context, job *river.Job[pruneEventsArgs]) error {
	return w.r.app.PruneLiveEvents(ctx, LiveEventRetention)
}

// retryInboundArgs: try again to store a webhook event that could not be
// (SPEC H7).
type retryInboundArgs struct {
	FailureID int64 `json:"failure_id"`
}

func (retryInboundArgs) Kind() string { return "retry_inbound" }

type retryInboundWorker struct {
	river.WorkerDefaults[retryInboundArgs]
	r *Runner
}

func (w *retryInboundWorker) Work(ctx context.Context, job *river.Job[retryInboundArgs]) error {
	return snoozeUntilDue(w.r.app.Inbox.RetryInboundFailure(ctx, job.Args.FailureID))
}
