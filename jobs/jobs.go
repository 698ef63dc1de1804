package jobs

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/delivery"
	"github.com/beseda/beseda/store"
)

// Config tunes the runner; zero values take defaults.
type Config struct {
	Logger *slog.Logger
	// Workers is how many jobs run at once in this process.
	Workers int
	// SweepInterval is how often lost deliveries are looked for.
	SweepInterval time.Duration
}

// Runner inserts and works Beseda's jobs.
type Runner struct {
	client     *river.Client[*sql.Tx]
	app        *app.App
	deliveries *delivery.Engine
	db         *store.DB
	listener   *pgxpool.Pool
	log        *slog.Logger
	instance   string // this process, in webhook lease holders

	sweepInterval time.Duration

	webhookWake  chan struct{}
	stopDispatch context.CancelFunc
	dispatchDone chan struct{}
}

// workBudget bounds one run of a long job; it then yields (snoozes) so that
// other jobs get a turn and a shutdown is never held up for long.
const workBudget = 10 * time.Second

// New builds the runner for a and the delivery engine, and connects it as a's
// Jobs and as the way the engine starts its runs.
func New(ctx context.Context, db *store.DB, a *app.App, deliveries *delivery.Engine, cfg Config) (*Runner, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Workers == 0 {
		cfg.Workers = 20
	}
	if cfg.SweepInterval == 0 {
		cfg.SweepInterval = 2 * time.Second
	}
	b := make([]byte, 6)
	rand.Read(b)
	r := &Runner{app: a, deliveries: deliveries, db: db, sweepInterval: cfg.SweepInterval, log: cfg.Logger,
		instance: hex.EncodeToString(b)}

	workers := river.NewWorkers()
	river.AddWorker(workers, &deliverWorker{r: r})
	river.AddWorker(workers, &sweepWorker{r: r})
	river.AddWorker(workers, &broadcastWorker{r: r})
	river.AddWorker(workers, &funnelStepWorker{r: r})
	river.AddWorker(workers, &taskStartWorker{r: r})
	river.AddWorker(workers, &pruneEventsWorker{r: r})
	river.AddWorker(workers, &retryInboundWorker{r: r})

	riverCfg := &river.Config{
		Logger:  slog.New(levelAtLeast{cfg.Logger.Handler(), slog.LevelWarn}),
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Workers: workers,
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(cfg.SweepInterval),
				func() (river.JobArgs, *river.InsertOpts) { return sweepArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(10*time.Minute),
				func() (river.JobArgs, *river.InsertOpts) { return pruneEventsArgs{}, nil }, nil),
		},
		JobTimeout:           2 * time.Minute,
		RescueStuckJobsAfter: 5 * time.Minute,
	}
	r.addWebhookJobs(workers, riverCfg, cfg.SweepInterval)
	r.addUploadJobs(workers, riverCfg)
	r.addSLAJobs(workers, riverCfg)
	var err error
	if db.Dialect() == store.Postgres {
		// LISTEN/NOTIFY wakes workers as soon as a job is inserted, in any process.
		if r.listener, err = pgxpool.New(ctx, db.URL()); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		r.client, err = river.NewClient(riverdatabasesql.NewWithPgxListener(db.WriteDB(), r.listener), riverCfg)
	} else {
		riverCfg.FetchCooldown = 20 * time.Millisecond
		riverCfg.FetchPollInterval = 100 * time.Millisecond
		r.client, err = river.NewClient(riversqlite.New(db.WriteDB()), riverCfg)
	}
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	a.SetJobs(r)
	deliveries.SetStarter(r.startDelivery)
	return r, nil
}

// Start begins working jobs. On SQLite (one process) it first frees the
// delivery leases a previous run of this process left behind. It sweeps for
// lost deliveries at once rather than waiting for the periodic sweep, which
// only runs once this process is River's leader (after a crash, when the dead
// leader's term runs out): delivery resumes as soon as the process is up (D3).
// From then on this process also sweeps by itself (Engine.SweepEvery).
func (r *Runner) Start(ctx context.Context) error {
	if r.db.Dialect() == store.SQLite {
		if err := r.db.ResetDeliveryLeases(ctx); err != nil {
			return err
		}
	}
	if err := r.client.Start(ctx); err != nil {
		return err
	}
	dispatchCtx, stop := context.WithCancel(ctx)
	r.stopDispatch, r.dispatchDone = stop, make(chan struct{})
	go func() { defer close(r.dispatchDone); r.dispatchWebhooks(dispatchCtx) }()
	if _, err := r.deliveries.Sweep(ctx); err != nil {
		return err
	}
	go r.deliveries.SweepEvery(ctx, r.sweepInterval)
	return nil
}

// Stop makes deliveries yield, lets running jobs finish (they yield within
// workBudget) and stops.
func (r *Runner) Stop(ctx context.Context) error {
	r.deliveries.Stop()
	if r.stopDispatch != nil {
		r.stopDispatch()
		<-r.dispatchDone
	}
	err := r.client.Stop(ctx)
	if cerr := r.deliveries.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if r.listener != nil {
		r.listener.Close()
	}
	return err
}

// deliverStates are the states in which a deliver job makes another with the
// same arguments a duplicate (the fewest River allows).
var deliverStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
	rivertype.JobStateRunning, rivertype.JobStateScheduled, rivertype.JobStateRetryable}

// startDelivery makes a deliver job for the channel run soon: the delivery
// engine's starter, called after a commit that stored pending messages when
// no run of this process delivers the channel, and by the sweep. A job
// waiting to run already serves (River's unique jobs: no job per message);
// one that is running may be about to finish without seeing the new
// messages, and one snoozed runs later, so one more job follows it.
func (r *Runner) startDelivery(ctx context.Context, channelID int64) error {
	args := deliverArgs{ChannelID: channelID}
	for range 3 {
		res, err := r.client.Insert(ctx, args, &river.InsertOpts{
			UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: deliverStates}})
		if err != nil {
			return fmt.Errorf("start delivery: %w", err)
		}
		if !res.UniqueSkippedAsDuplicate || res.Job.State == rivertype.JobStateAvailable {
			return nil
		}
		args.After = res.Job.ID
	}
	return nil
}

// ProduceBroadcast implements app.Jobs.
func (r *Runner) ProduceBroadcast(ctx context.Context, tx *store.Tx, broadcastID int64) error {
	_, err := r.client.InsertTx(ctx, tx.SQL(), broadcastArgs{BroadcastID: broadcastID}, nil)
	return err
}

// FunnelStep implements app.Jobs.
func (r *Runner) FunnelStep(ctx context.Context, tx *store.Tx, enrollmentID int64, position int, at time.Time) error {
	_, err := r.client.InsertTx(ctx, tx.SQL(), funnelStepArgs{EnrollmentID: enrollmentID, Position: position, DueAt: at},
		&river.InsertOpts{ScheduledAt: at})
	return err
}

// StartTask implements app.Jobs.
func (r *Runner) StartTask(ctx context.Context, tx *store.Tx, taskID int64, at time.Time) error {
	_, err := r.client.InsertTx(ctx, tx.SQL(), taskStartArgs{TaskID: taskID}, &river.InsertOpts{ScheduledAt: at})
	return err
}

// RetryInbound implements app.Jobs.
func (r *Runner) RetryInbound(ctx context.Context, tx *store.Tx, failureID int64, at time.Time) error {
	_, err := r.client.InsertTx(ctx, tx.SQL(), retryInboundArgs{FailureID: failureID}, &river.InsertOpts{ScheduledAt: at})
	return err
}

// levelAtLeast keeps River's own logging to warnings and errors.
type levelAtLeast struct {
	slog.Handler
	min slog.Level
}

func (h levelAtLeast) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}
