package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// syncTemplatesArgs: read every channel's message templates from its
// platform again (periodic), so that a template approved, changed or
// removed where no webhook told Beseda is known within the hour.
type syncTemplatesArgs struct{}

func (syncTemplatesArgs) Kind() string { return "sync_templates" }

type syncTemplatesWorker struct {
	river.WorkerDefaults[syncTemplatesArgs]
	r *Runner
}

func (w *syncTemplatesWorker) Work(ctx context.Context, job *river.Job[syncTemplatesArgs]) error {
	_, err := w.r.app.Templates.SyncAllTemplates(ctx)
	return err
}

// TemplateSyncInterval is how often every channel's templates are read again.
const TemplateSyncInterval = time.Hour

func (r *Runner) addTemplateJobs(workers *river.Workers, cfg *river.Config) {
	river.AddWorker(workers, &syncTemplatesWorker{r: r})
	cfg.PeriodicJobs = append(cfg.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(TemplateSyncInterval),
		func() (river.JobArgs, *river.InsertOpts) { return syncTemplatesArgs{}, nil }, nil))
}
