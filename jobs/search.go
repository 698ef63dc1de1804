package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/beseda/beseda/store"
)

// searchIndexArgs: index for search the rows written since the last batch
// (SQLite, migration 00094; periodic). A search indexes what is left before
// it reads, so the period bounds only how much that can be.
type searchIndexArgs struct{}

func (searchIndexArgs) Kind() string { return "search_index" }

func (searchIndexArgs) InsertOpts() river.InsertOpts {
	// The next period indexes in its place.
	return river.InsertOpts{MaxAttempts: 1}
}

type searchIndexWorker struct {
	river.WorkerDefaults[searchIndexArgs]
	r *Runner
}

func (w *searchIndexWorker) Work(ctx context.Context, job *river.Job[searchIndexArgs]) error {
	for start := time.Now(); time.Since(start) < workBudget; {
		_, more, err := w.r.db.IndexSearch(ctx, store.SearchIndexBatch)
		if err != nil || !more {
			return err
		}
	}
	return river.JobSnooze(0)
}

// searchIndexInterval is how often rows written are indexed for search.
const searchIndexInterval = 2 * time.Second

// addSearchJobs registers the search index's batches, on SQLite only:
// PostgreSQL indexes each row as it is written.
func (r *Runner) addSearchJobs(workers *river.Workers, cfg *river.Config) {
	if r.db.Dialect() != store.SQLite {
		return
	}
	river.AddWorker(workers, &searchIndexWorker{r: r})
	cfg.PeriodicJobs = append(cfg.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(searchIndexInterval),
		func() (river.JobArgs, *river.InsertOpts) { return searchIndexArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
}
