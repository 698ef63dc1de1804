package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// slaSweepArgs: fire the SLA warnings and breaches that are due (periodic).
// The app's sweep reads the time from its clock and locks each dialog's
// clock, so any number of runs at once fire each alert once.
type slaSweepArgs struct{}

func (slaSweepArgs) Kind() string { return "sla_sweep" }

func (slaSweepArgs) InsertOpts() river.InsertOpts {
	// The next period sweeps in its place.
	return river.InsertOpts{MaxAttempts: 1}
}

type slaSweepWorker struct {
	river.WorkerDefaults[slaSweepArgs]
	r *Runner
}

func (w *slaSweepWorker) Work(ctx context.Context, job *river.Job[slaSweepArgs]) error {
	for start := time.Now(); time.Since(start) < workBudget; {
		_, more, err := w.r.app.SLA.Sweep(ctx)
		if err != nil || !more {
			return err
		}
	}
	return river.JobSnooze(0)
}

// slaSweepInterval is how late after its moment an SLA alert may fire.
const slaSweepInterval = 5 * time.Second

// addSLAJobs registers the SLA sweep.
func (r *Runner) addSLAJobs(workers *river.Workers, cfg *river.Config) {
	river.AddWorker(workers, &slaSweepWorker{r: r})
	cfg.PeriodicJobs = append(cfg.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(slaSweepInterval),
		func() (river.JobArgs, *river.InsertOpts) { return slaSweepArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
}
