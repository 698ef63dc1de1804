package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// deliverWebhooksArgs: attempt the outgoing webhook deliveries that are due.
// Queued by the dispatcher after a commit that queued events, and
// periodically, which also brings retries whose time has come and anything
// a crash left behind. Any number may run at once: each delivery is leased
// to one of them.
type deliverWebhooksArgs struct{}

func (deliverWebhooksArgs) Kind() string { return "deliver_webhooks" }

func (deliverWebhooksArgs) InsertOpts() river.InsertOpts {
	// The periodic job retries in its place.
	return river.InsertOpts{MaxAttempts: 1}
}

type deliverWebhooksWorker struct {
	river.WorkerDefaults[deliverWebhooksArgs]
	r *Runner
}

func (w *deliverWebhooksWorker) Work(ctx context.Context, job *river.Job[deliverWebhooksArgs]) error {
	more, err := w.r.app.Webhooks.DeliverWebhooks(ctx, fmt.Sprintf("%s/%d", w.r.instance, job.ID), workBudget)
	if err != nil {
		return err
	}
	if more {
		return river.JobSnooze(0)
	}
	return nil
}

// pruneWebhooksArgs: forget old finished deliveries (periodic).
type pruneWebhooksArgs struct{}

func (pruneWebhooksArgs) Kind() string { return "prune_webhook_deliveries" }

type pruneWebhooksWorker struct {
	river.WorkerDefaults[pruneWebhooksArgs]
	r *Runner
}

func (w *pruneWebhooksWorker) Work(ctx context.Context, job *river.Job[pruneWebhooksArgs]) error {
	return w.r.app.Webhooks.PruneWebhookDeliveries(ctx)
}

// webhookRefresh is how often a process re-reads which workspaces have
// webhooks (a subscription made through another process is delivered by
// the periodic job until then).
const webhookRefresh = 30 * time.Second

// addWebhookJobs registers the webhook workers and periodic jobs.
func (r *Runner) addWebhookJobs(workers *river.Workers, cfg *river.Config, every time.Duration) {
	river.AddWorker(workers, &deliverWebhooksWorker{r: r})
	river.AddWorker(workers, &pruneWebhooksWorker{r: r})
	cfg.PeriodicJobs = append(cfg.PeriodicJobs,
		river.NewPeriodicJob(river.PeriodicInterval(every),
			func() (river.JobArgs, *river.InsertOpts) { return deliverWebhooksArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return pruneWebhooksArgs{}, nil }, nil),
	)
	r.webhookWake = make(chan struct{}, 1)
	r.app.SetWebhookWake(func() {
		select {
		case r.webhookWake <- struct{}{}:
		default: // a wake is pending: it covers this commit too
		}
	})
}

// dispatchWebhooks turns wakes after commits into delivery jobs, outside
// the requests that woke it, folding wakes that come while it inserts
// into one; it also keeps the app's list of workspaces with webhooks
// fresh. It runs until ctx ends.
func (r *Runner) dispatchWebhooks(ctx context.Context) {
	refresh := time.NewTicker(webhookRefresh)
	defer refresh.Stop()
	if err := r.app.Webhooks.RefreshWebhookWorkspaces(ctx); err != nil && ctx.Err() == nil {
		r.log.Warn("webhooks: cannot read subscriptions", "err", err)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.webhookWake:
			if _, err := r.client.Insert(ctx, deliverWebhooksArgs{}, nil); err != nil && ctx.Err() == nil {
				// The periodic job delivers it instead.
				r.log.Warn("webhooks: cannot queue delivery", "err", err)
			}
		case <-refresh.C:
			if err := r.app.Webhooks.RefreshWebhookWorkspaces(ctx); err != nil && ctx.Err() == nil {
				r.log.Warn("webhooks: cannot read subscriptions", "err", err)
			}
		}
	}
}
