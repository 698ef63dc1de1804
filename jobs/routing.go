package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// routeArgs: assign the waiting chats of every workspace (periodic, A2).
// Chats are routed at once when a client writes or a manager frees a place;
// this pass catches what changes without a request — business hours
// opening, a manager turning away when idle — and what a failed pass left.
// The app locks each chat and manager, so runs at once never exceed a
// capacity.
type routeArgs struct{}

func (routeArgs) Kind() string { return "route_chats" }

func (routeArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 1} }

type routeWorker struct {
	river.WorkerDefaults[routeArgs]
	r *Runner
}

func (w *routeWorker) Work(ctx context.Context, job *river.Job[routeArgs]) error {
	_, err := w.r.app.Routing.RouteAll(ctx)
	return err
}

// routeInterval is how late after business hours open a waiting chat may
// be assigned.
const routeInterval = 15 * time.Second

// addRoutingJobs registers the routing pass.
func (r *Runner) addRoutingJobs(workers *river.Workers, cfg *river.Config) {
	river.AddWorker(workers, &routeWorker{r: r})
	cfg.PeriodicJobs = append(cfg.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(routeInterval),
		func() (river.JobArgs, *river.InsertOpts) { return routeArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
}
