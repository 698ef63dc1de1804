package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// retentionArgs: apply every workspace's retention policy, and remove the
// files that erasures and earlier runs marked (periodic). The app reads the
// time from its clock.
type retentionArgs struct{}

func (retentionArgs) Kind() string { return "retention" }

func (retentionArgs) InsertOpts() river.InsertOpts {
	// The next period runs in its place.
	return river.InsertOpts{MaxAttempts: 1}
}

type retentionWorker struct {
	river.WorkerDefaults[retentionArgs]
	r *Runner
}

func (w *retentionWorker) Work(ctx context.Context, job *river.Job[retentionArgs]) error {
	_, err := w.r.app.DataRights.RunRetention(ctx)
	return err
}

// retentionInterval is how often the retention job runs: a message is gone
// at most this long after its days are over.
const retentionInterval = time.Hour

// addRetentionJobs registers the retention job, run at start too so that a
// server that restarts often still applies the policy.
func (r *Runner) addRetentionJobs(workers *river.Workers, cfg *river.Config) {
	river.AddWorker(workers, &retentionWorker{r: r})
	cfg.PeriodicJobs = append(cfg.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(retentionInterval),
		func() (river.JobArgs, *river.InsertOpts) { return retentionArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
}
