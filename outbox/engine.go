package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/beseda/beseda"
)

const (
	// LeaseTTL is how long a lease lasts unless renewed.
	LeaseTTL = 30 * time.Second
	// renewEvery is how often a deliverer renews its lease, well within it.
	renewEvery = LeaseTTL / 3
	// maxWait is the longest single wait: a deliverer renews its lease, checks
	// its budget and looks for messages produced by other processes at least
	// this often, however long it has to wait for a message to become due.
	maxWait = time.Second
	// DefaultBudget is how long one run works before it yields, so that other
	// channels get a turn and a shutdown is never held up for long.
	DefaultBudget = 10 * time.Second

	maxAttempts  = 8
	maxBackoff   = 5 * time.Minute
	webBatch     = 200
	headsPerPass = 200
)

// Outcome is what became of one attempt to send a message.
type Outcome struct {
	// Status is sent, failed, or pending: to be tried again at NextAttempt.
	Status      beseda.MessageStatus
	ExternalID  string    // the messenger's id of a sent message
	At          time.Time // when it was handed over
	Reason      string
	Attempts    int // failed attempts so far; a rate limit is not one
	NextAttempt time.Time
	PartsSent   int // of a message in several, the parts delivered so far

}

// Config is what the engine is built with; zero values take defaults.
type Config struct {
	Clock  beseda.Clock
	Logger *slog.Logger
	// Channels says, per channel kind, how a message is sent (a type without
	// a sender has no remote side: its messages are shown), the platform's
	// send window checked before every send, and the pace.
	Channels *beseda.Registry
	// Pacing overrides the channel types' own pace, per kind.
	Pacing map[beseda.ChannelKind]beseda.Pacing
	// Budget is how long one run works before yielding (DefaultBudget).
	Budget time.Duration
	// Files gives senders the bytes of attachments they upload.
	Files beseda.FileOpener
}

// Engine delivers pending messages. One per process. T is the store's
// transaction.
type Engine[T Tx] struct {
	db       Store[T]
	out      *Outbox[T]
	leases   Leases
	clock    beseda.Clock
	log      *slog.Logger
	cfg      Config
	instance string // this engine, in lease holders
	runs     atomic.Uint64

	mu     sync.Mutex
	active map[int64]*slot // the channels a run of this engine delivers
	loops  map[int64]*loop // the channels a deliverer of this engine works on
	pacers map[int64]*pacer
	start  func(ctx context.Context, channelID int64) error

	stopping chan struct{}
	stopOnce sync.Once
	loopsWG  sync.WaitGroup
}

// loop is a deliverer of this engine: a goroutine that runs a channel until
// nothing is left for it.
type loop struct {
	wake chan struct{} // woken while between runs (buffered, never blocks)
}

// slot is a channel being delivered by a run of this engine.
type slot struct {
	wake  chan struct{} // a producer stored messages (buffered, never blocks)
	woken bool          // … since the run's current pass began
}

// New returns the engine delivering db's messages under the process's
// leases; out checks the gate again and records the outcomes.
func New[T Tx](db Store[T], leases Leases, out *Outbox[T], cfg Config) *Engine[T] {
	if cfg.Clock == nil {
		cfg.Clock = beseda.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Budget <= 0 {
		cfg.Budget = DefaultBudget
	}
	if cfg.Channels == nil {
		cfg.Channels = beseda.NewRegistry()
	}
	pacing := cfg.Channels.Pacing()
	maps.Copy(pacing, cfg.Pacing)
	cfg.Pacing = pacing
	b := make([]byte, 6)
	rand.Read(b)
	e := &Engine[T]{db: db, out: out, leases: leases, clock: cfg.Clock, log: cfg.Logger, cfg: cfg,
		instance: hex.EncodeToString(b), active: map[int64]*slot{}, loops: map[int64]*loop{},
		pacers: map[int64]*pacer{}, stopping: make(chan struct{})}
	e.start = e.launch
	return e
}

// SetStarter replaces the way runs are started, which is a deliverer of this
// engine (a goroutine). Tests that call Run themselves set a starter that
// does nothing.
func (e *Engine[T]) SetStarter(start func(ctx context.Context, channelID int64) error) {
	e.mu.Lock()
	e.start = start
	e.mu.Unlock()
}

// Wake tells the engine that a channel has new pending messages. Producers
// call it after their commit. It costs no SQL while a deliverer of this
// engine works on the channel; otherwise it starts one.
func (e *Engine[T]) Wake(ctx context.Context, channelID int64) {
	e.mu.Lock()
	s, l, start := e.active[channelID], e.loops[channelID], e.start
	switch {
	case s != nil:
		s.woken = true
		signal(s.wake)
	case l != nil:
		signal(l.wake) // between two runs: the next one starts at once
	}
	e.mu.Unlock()
	if s != nil || l != nil || start == nil || e.stopped() {
		return
	}
	if err := start(ctx, channelID); err != nil {
		// The messages are stored; the next sweep starts their delivery.
		e.log.Warn("delivery not started", "channel", channelID, "err", err)
	}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// launch starts a deliverer of this engine for the channel, unless one is at
// it. The deliverer is a goroutine of this process, not a queued job: nothing
// of it outlives the process, so a process that dies leaves no job behind that
// could keep the channel from being delivered (D3); the lease alone says who
// delivers a channel.
func (e *Engine[T]) launch(_ context.Context, channelID int64) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.loops[channelID] != nil || e.stopped() {
		return nil
	}
	l := &loop{wake: make(chan struct{}, 1)}
	e.loops[channelID] = l
	e.loopsWG.Add(1)
	go e.deliver(channelID, l)
	return nil
}

// deliver runs the channel until nothing is left for this engine: the queue
// is empty, another process holds the lease, or the engine stops.
func (e *Engine[T]) deliver(channelID int64, l *loop) {
	defer e.loopsWG.Done()
	ctx := context.Background() // the engine's Stop ends it, not a request
	for {
		more, at, err := e.runUntil(ctx, channelID)
		if err != nil {
			e.log.Warn("delivery run failed", "channel", channelID, "err", err)
			more, at = true, e.clock.Now().Add(maxWait)
		}
		if !more || e.stopped() {
			e.mu.Lock()
			if more || len(l.wake) == 0 {
				delete(e.loops, channelID)
				e.mu.Unlock()
				return
			}
			e.mu.Unlock()
			<-l.wake // woken after the run looked: look again
			continue
		}
		if !at.IsZero() {
			select {
			case <-e.stopping:
			case <-l.wake:
			case <-e.clock.At(at):
			}
		}
	}
}

// Sweep starts delivery of the channels whose messages wait with no live
// deliverer (it died, or its start was lost) and returns how many. The
// engine runs it at start, then every interval (SweepEvery).
func (e *Engine[T]) Sweep(ctx context.Context) (int, error) {
	ids, err := e.db.StrandedChannels(ctx, e.clock.Now())
	if err != nil {
		return 0, err
	}
	e.mu.Lock()
	start := e.start
	e.mu.Unlock()
	n := 0
	for _, id := range ids {
		if e.delivering(id) || e.looping(id) || start == nil {
			continue
		}
		if err := start(ctx, id); err != nil {
			return n, err
		}
		n++
	}
	if n > 0 {
		e.log.Info("stranded deliveries started", "channels", n)
	}
	return n, nil
}

// SweepEvery sweeps every interval of the engine's clock until the engine
// stops. It runs in every process, so that a process outliving another takes
// the dead one's channels over within the interval (D3).
func (e *Engine[T]) SweepEvery(ctx context.Context, every time.Duration) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-e.stopping:
			return
		case <-e.clock.At(e.clock.Now().Add(every)):
		}
		if _, err := e.Sweep(ctx); err != nil {
			e.log.Warn("delivery sweep failed", "err", err)
		}
	}
}

// Start frees, on SQLite, the leases a previous run of this process left
// behind (one process runs on SQLite, so any holder is gone), and resumes at
// once the delivery nobody is doing; then every process sweeps every interval
// by itself, so that one outliving another takes its channels over within the
// interval (D3).
func (e *Engine[T]) Start(ctx context.Context, every time.Duration) error {
	if err := e.db.ResetDeliveryLeases(ctx); err != nil {
		return err
	}
	if _, err := e.Sweep(ctx); err != nil {
		return err
	}
	go e.SweepEvery(ctx, every)
	return nil
}

// Stop makes every run yield at its next step (a send in flight finishes
// first) and waits for this engine's deliverers to end. Runs started
// afterwards do nothing.
func (e *Engine[T]) Stop() {
	e.stopOnce.Do(func() { close(e.stopping) })
	e.loopsWG.Wait()
}

// Close gives up this process's leases; call it after the runs have ended.
func (e *Engine[T]) Close() error { return e.leases.Close() }

func (e *Engine[T]) stopped() bool {
	select {
	case <-e.stopping:
		return true
	default:
		return false
	}
}

// Deliverers counts the channels this engine's deliverers work on now.
func (e *Engine[T]) Deliverers() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.loops)
}

func (e *Engine[T]) delivering(channelID int64) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.active[channelID] != nil
}

func (e *Engine[T]) looping(channelID int64) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.loops[channelID] != nil
}

// claimSlot makes this run the channel's only one in this engine; nil if
// another one is at it.
func (e *Engine[T]) claimSlot(channelID int64) *slot {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.active[channelID] != nil {
		return nil
	}
	s := &slot{wake: make(chan struct{}, 1)}
	e.active[channelID] = s
	return s
}

func (e *Engine[T]) freeSlot(channelID int64, s *slot) {
	e.mu.Lock()
	if e.active[channelID] == s {
		delete(e.active, channelID)
	}
	e.mu.Unlock()
}

func (e *Engine[T]) pacer(ch *beseda.Channel) *pacer {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.pacers[ch.ID]
	if p == nil {
		p = newPacer(e.cfg.Pacing[ch.Kind], e.clock.Now())
		e.pacers[ch.ID] = p
	}
	return p
}
