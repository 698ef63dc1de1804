// Package live carries changes to connected consoles as they happen. Every
// change appends an event to the live_events log in its own transaction; the
// Hub of each process tails that log and fans events out to its subscribers
// (Server-Sent Events connections), filtered by workspace and recipient. A
// commit wakes the hub of its own process directly, and on PostgreSQL the
// hubs of all processes through LISTEN/NOTIFY; a poll every second covers
// anything missed. The log is the truth, so a reconnecting client resumes
// from its Last-Event-ID without gaps.
//
// The hub reads the log through Log, which the store implements; live
// imports no store or driver, so that the adapters streaming its
// subscriptions (httpapi, channel/webchat) link no database through it.
package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/beseda/beseda"
)

// Delivery is an event on its way to a subscriber, with the hub's watermark:
// every event up to it has been delivered, so a client resuming from the
// watermark misses nothing (and may see a few events twice). Frame is the
// event as a Server-Sent Event, encoded once for all subscribers.
type Delivery struct {
	Event     *beseda.LiveEvent
	Watermark int64
	Frame     []byte
}

// Frame encodes an event as a Server-Sent Event: the SSE id is the resume
// point, the event name its kind, the data the event with its own id.
func Frame(id int64, name string, data any) []byte {
	raw, _ := json.Marshal(data)
	return fmt.Appendf(nil, "id: %d\nevent: %s\ndata: %s\n\n", id, name, raw)
}

// Subscription receives the events of one workspace meant for its manager.
// It is what the HTTP kit streams (httpx.Subscription).
type Subscription struct {
	WorkspaceID int64
	UserID      int64
	c           chan Delivery
	done        chan struct{}
	hub         *Hub
	holder      string // Holder.Key, counted in Hub.held
	evicted     bool   // set before done closes
	once        sync.Once
}

// Deliveries are the subscription's events, in the order of the log.
func (s *Subscription) Deliveries() <-chan Delivery { return s.c }

// Done is closed when the hub ends the subscription: the subscriber fell
// behind, or the server is stopping. The client reconnects and resumes from
// the log.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Evicted reports, once Done is closed, whether the subscription was ended
// for a newer one of its holder (Holder.Max): its client should not
// reconnect on its own (its stream says so last).
func (s *Subscription) Evicted() bool { return s.evicted }

// Holder names who holds a subscription, for the cap on the streams one
// holder keeps open at once in this process (a manager's tabs and API
// clients, a web-chat client's tabs): Key names the holder ("user:7",
// "visitor:42") and Max is the cap. A zero Holder is not capped.
type Holder struct {
	Key string
	Max int
}

// Close ends the subscription.
func (s *Subscription) Close() { s.hub.unsubscribe(s) }

// Log is the live_events log a hub tails (store.DB is it). The hub
// declares what it needs of the store, so that the adapters streaming its
// subscriptions link no database.
type Log interface {
	// LastLiveEventID is the id of the newest event, 0 if none.
	LastLiveEventID(ctx context.Context) (int64, error)
	// OldestLiveEventID is the id of the oldest event kept, 0 if none.
	OldestLiveEventID(ctx context.Context) (int64, error)
	// LiveEventsAfter returns events with ids above after, in id order.
	LiveEventsAfter(ctx context.Context, after int64, limit int) ([]*beseda.LiveEvent, error)
	// ListenLiveEvents calls wake whenever other processes may have
	// committed events, until ctx is done, telling lost of each lost
	// connection; it returns at once where no other process writes.
	ListenLiveEvents(ctx context.Context, wake func(), lost func(error))
}

// Hub tails the live log of one process.
type Hub struct {
	db   Log
	log  *slog.Logger
	kick chan struct{}

	mu        sync.Mutex
	subs      map[*Subscription]struct{}
	held      map[string][]*Subscription // open subscriptions by Holder.Key, oldest first
	watermark int64
	seen      map[int64]bool      // delivered events above the watermark
	gapSince  map[int64]time.Time // ids missing below a delivered one
	ready     chan struct{}       // closed once Run has started, or has given up
	startErr  error               // why Run gave up before it started
	// stale: nobody subscribed when events came, so the log was left unread
	// and the watermark lags it (see idle).
	stale   bool
	stopped bool // Run has returned: nothing will be delivered
}

// ErrStopped is returned to subscribers of a hub that is not running.
var ErrStopped = errors.New("live: the event hub is not running")

// gapWait is how long a missing id may stay missing before it is taken for a
// rolled-back transaction: on PostgreSQL ids are taken in one order and
// committed in another.
const gapWait = 5 * time.Second

// New returns a hub reading the log in db.
func New(db Log, log *slog.Logger) *Hub {
	return &Hub{db: db, log: log, kick: make(chan struct{}, 1), subs: map[*Subscription]struct{}{}, held: map[string][]*Subscription{},
		seen: map[int64]bool{}, gapSince: map[int64]time.Time{}, ready: make(chan struct{})}
}

// Kick makes the hub read the log now: new events were committed.
func (h *Hub) Kick() {
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// Connections is the number of open subscriptions.
func (h *Hub) Connections() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Run tails the log until ctx is done. Events already in the log when it
// starts are history: they are only replayed to clients that ask.
func (h *Hub) Run(ctx context.Context) error {
	last, err := h.start(ctx)
	h.mu.Lock()
	h.watermark, h.startErr, h.stopped = last, err, err != nil
	h.mu.Unlock()
	close(h.ready)
	if err != nil {
		return err
	}
	go h.db.ListenLiveEvents(ctx, h.Kick, func(err error) {
		h.log.Warn("live: LISTEN connection lost; reconnecting", "err", err)
	})
	poll := time.NewTicker(time.Second)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			h.mu.Lock()
			h.stopped = true
			for s := range h.subs {
				h.drop(s)
			}
			h.mu.Unlock()
			return nil
		case <-h.kick:
		case <-poll.C:
		}
		if h.idle() {
			continue
		}
		if err := h.read(ctx); err != nil && ctx.Err() == nil {
			h.log.Warn("live: reading events failed", "err", err)
		}
	}
}

// idle reports that nobody subscribes: reading the log would deliver nothing,
// so it is left unread — most commits of a busy server with no console open
// would otherwise cost a read each — and the first subscriber catches up.
func (h *Hub) idle() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.subs) > 0 {
		return false
	}
	h.stale = true
	return true
}

// catchUp moves a stale watermark to the end of the log before the first
// subscriber joins: what was committed while nobody listened is history,
// which a resuming client replays from the log (Replay). With subscribers
// the hub reads on, so the watermark never jumps past their events.
func (h *Hub) catchUp(ctx context.Context) error {
	h.mu.Lock()
	stale := h.stale && len(h.subs) == 0
	h.mu.Unlock()
	if !stale {
		return nil
	}
	last, err := h.db.LastLiveEventID(ctx)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stale && len(h.subs) == 0 && last > h.watermark {
		h.watermark = last
		for id := range h.seen {
			if id <= last {
				delete(h.seen, id)
			}
		}
		for id := range h.gapSince {
			if id <= last {
				delete(h.gapSince, id)
			}
		}
	}
	h.stale = false
	return nil
}

// start reads where the log ends, trying again while the database fails
// (subscribers wait meanwhile), until ctx is done.
func (h *Hub) start(ctx context.Context) (int64, error) {
	wait := 100 * time.Millisecond
	for {
		last, err := h.db.LastLiveEventID(ctx)
		if err == nil {
			return last, nil
		}
		h.log.Error("live: cannot read the event log; trying again", "err", err)
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("live: not started: %w", err)
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// read delivers the events committed since the last read.
func (h *Hub) read(ctx context.Context) error {
	for {
		h.mu.Lock()
		after := h.watermark
		h.mu.Unlock()
		events, err := h.db.LiveEventsAfter(ctx, after, 1000)
		if err != nil {
			return err
		}
		h.mu.Lock()
		var fresh []*beseda.LiveEvent
		for _, e := range events {
			if !h.seen[e.ID] {
				h.seen[e.ID] = true
				fresh = append(fresh, e)
			}
		}
		h.advance(time.Now())
		for _, e := range fresh {
			h.dispatch(e, min(e.ID, h.watermark))
		}
		h.mu.Unlock()
		if len(events) < 1000 {
			return nil
		}
	}
}

// advance moves the watermark over delivered events and over gaps that
// waited long enough. The caller holds mu.
func (h *Hub) advance(now time.Time) {
	for len(h.seen) > 0 {
		next := h.watermark + 1
		if h.seen[next] {
			delete(h.seen, next)
			delete(h.gapSince, next)
			h.watermark = next
			continue
		}
		since, ok := h.gapSince[next]
		if !ok {
			h.gapSince[next] = now
			return
		}
		if now.Sub(since) < gapWait {
			return
		}
		delete(h.gapSince, next)
		h.watermark = next
	}
}

// dispatch hands an event to the subscriptions it is meant for. The caller
// holds mu. A subscriber too slow to take it is dropped rather than allowed
// to hold up everyone else; its client resumes from the log.
func (h *Hub) dispatch(e *beseda.LiveEvent, watermark int64) {
	var frame []byte
	for s := range h.subs {
		if s.WorkspaceID != e.WorkspaceID || (e.UserID != nil && *e.UserID != s.UserID) {
			continue
		}
		if frame == nil {
			frame = Frame(watermark, e.Kind, e)
		}
		select {
		case s.c <- Delivery{Event: e, Watermark: watermark, Frame: frame}:
		default:
			h.drop(s)
		}
	}
}

// Subscribe opens a subscription for a manager (userID; 0 for a web-chat
// client, who gets no manager's events) held by holder. It waits for the hub
// to start (at most until ctx is done); a hub that is not running returns
// ErrStopped (wrapping why it never started, if so). A holder with Max
// subscriptions open in this process has its oldest one ended (Evicted):
// each stream holds a connection and a goroutine all day, and a client
// opening thousands must not exhaust the server. The newest stays, as the
// tab a person just opened is the one they look at, and an old stream may
// be one whose client is gone without a word (a laptop asleep) that would
// otherwise hold its place until a heartbeat fails.
func (h *Hub) Subscribe(ctx context.Context, workspaceID, userID int64, holder Holder) (*Subscription, error) {
	select {
	case <-h.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err := h.catchUp(ctx); err != nil {
		return nil, err
	}
	// A small buffer: a subscriber that falls further behind is dropped and
	// resumes from the log, which costs less than buffering for everyone.
	s := &Subscription{WorkspaceID: workspaceID, UserID: userID, c: make(chan Delivery, 16),
		done: make(chan struct{}), hub: h, holder: holder.Key}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		return nil, errors.Join(ErrStopped, h.startErr)
	}
	for holder.Key != "" && len(h.held[holder.Key]) >= max(holder.Max, 1) {
		oldest := h.held[holder.Key][0]
		oldest.evicted = true
		h.drop(oldest)
	}
	h.subs[s] = struct{}{}
	if s.holder != "" {
		h.held[s.holder] = append(h.held[s.holder], s)
	}
	return s, nil
}

// remove takes a subscription out of the hub, once (h.mu held).
func (h *Hub) remove(s *Subscription) {
	if _, ok := h.subs[s]; !ok {
		return
	}
	delete(h.subs, s)
	if s.holder != "" {
		rest := slices.DeleteFunc(h.held[s.holder], func(o *Subscription) bool { return o == s })
		if len(rest) == 0 {
			delete(h.held, s.holder)
		} else {
			h.held[s.holder] = rest
		}
	}
}

// Watermark is the point up to which every event has been delivered.
func (h *Hub) Watermark() int64 {
	<-h.ready
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.watermark
}

func (h *Hub) unsubscribe(s *Subscription) {
	h.mu.Lock()
	h.remove(s)
	h.mu.Unlock()
}

func (h *Hub) drop(s *Subscription) {
	h.remove(s)
	s.once.Do(func() { close(s.done) })
}

// Replay returns the events a subscriber missed after the given id (its
// Last-Event-ID), up to the hub's watermark. tooOld is true when events
// after it were already pruned: the client must reload instead.
func (h *Hub) Replay(ctx context.Context, s *Subscription, after int64) (events []*beseda.LiveEvent, tooOld bool, err error) {
	oldest, err := h.db.OldestLiveEventID(ctx)
	if err != nil {
		return nil, false, err
	}
	if oldest > after+1 {
		return nil, true, nil
	}
	for {
		page, err := h.db.LiveEventsAfter(ctx, after, 1000)
		if err != nil {
			return nil, false, err
		}
		for _, e := range page {
			if e.WorkspaceID == s.WorkspaceID && (e.UserID == nil || *e.UserID == s.UserID) {
				events = append(events, e)
			}
		}
		if len(page) < 1000 || len(events) > 10_000 {
			return events, len(events) > 10_000, nil
		}
		after = page[len(page)-1].ID
	}
}
