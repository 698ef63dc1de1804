package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// pruneUploadsArgs: remove uploads never attached to a message within a day,
// and their files (periodic).
type pruneUploadsArgs struct{}

func (pruneUploadsArgs) Kind() string { return "prune_uploads" }

type pruneUploadsWorker struct {
	river.WorkerDefaults[pruneUploadsArgs]
	r *Runner
}

func (w *pruneUploadsWorker) Work(ctx context.Context, job *river.Job[pruneUploadsArgs]) error {
	_, err := w.r.app.Files.PruneUploads(ctx)
	return err
}

// addUploadJobs registers the sweep of unattached uploads: hourly, so an
// upload is gone at most an hour after its day is over.
func (r *Runner) addUploadJobs(workers *river.Workers, cfg *river.Config) {
	river.AddWorker(workers, &pruneUploadsWorker{r: r})
	cfg.PeriodicJobs = append(cfg.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return pruneUploadsArgs{}, nil }, nil))
}
