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

	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/outbox"
	"github.com/beseda/beseda/store"
)

// Config tunes the runner; zero values take defaults.
type Config struct {
	Logger *slog.Logger
	// Workers is how many jobs run at once in this process.
	Workers int
	// SweepInterval is how often outgoing webhooks due are looked for.
	SweepInterval time.Duration
}

// Runner inserts and works Beseda's jobs.
type Runner struct {
	client     *river.Client[*sql.Tx]
	app        *app.App
	deliveries *outbox.Engine[*store.Tx]
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
func New(ctx context.Context, db *store.DB, a *app.App, deliveries *outbox.Engine[*store.Tx], cfg Config) (*Runner, error) {
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
	river.AddWorker(workers, &legacyDeliverWorker{r: r})
	river.AddWorker(workers, &legacySweepWorker{})
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
			river.NewPeriodicJob(river.PeriodicInterval(10*time.Minute),
				func() (river.JobArgs, *river.InsertOpts) { return pruneEventsArgs{}, nil }, nil),
		},
		JobTimeout:           2 * time.Minute,
		RescueStuckJobsAfter: 5 * time.Minute,
	}
	r.addWebhookJobs(workers, riverCfg, cfg.SweepInterval)
	r.addUploadJobs(workers, riverCfg)
	r.addSLAJobs(workers, riverCfg)
	r.addRetentionJobs(workers, riverCfg)
	r.addRoutingJobs(workers, riverCfg)
	r.addTemplateJobs(workers, riverCfg)
	r.addSearchJobs(workers, riverCfg)
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
	return r, nil
}

// Start begins working jobs, and the delivery engine's deliverers and sweep
// (outbox.Engine.Start): delivery resumes as soon as the process is up (D3).
func (r *Runner) Start(ctx context.Context) error {
	if err := r.client.Start(ctx); err != nil {
		return err
	}
	dispatchCtx, stop := context.WithCancel(ctx)
	r.stopDispatch, r.dispatchDone = stop, make(chan struct{})
	go func() { defer close(r.dispatchDone); r.dispatchWebhooks(dispatchCtx) }()
	return r.deliveries.Start(ctx, DeliverySweepInterval)
}

// DeliverySweepInterval is how often every process looks for channels whose
// messages wait with no live deliverer: well under SPEC D3's 2 seconds.
const DeliverySweepInterval = 500 * time.Millisecond

// Stop makes deliveries yield and waits for them, lets running jobs finish
// (they yield within workBudget) and stops.
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
