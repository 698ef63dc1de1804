package live_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/live"
	"github.com/beseda/beseda/store"
)

type subscribed struct {
	sub *live.Subscription
	err error
}

func subscribe(ctx context.Context, hub *live.Hub) chan subscribed {
	out := make(chan subscribed, 1)
	go func() {
		s, err := hub.Subscribe(ctx, 1, 1, live.Holder{})
		out <- subscribed{s, err}
	}()
	return out
}

// TestLiveHub_StartFailureNeverBlocksSubscribers: when the event log cannot
// be read at start, the hub tries again and waiting subscribers get their
// subscription once it can; if the hub stops first they get an error; a
// subscriber that gives up is let go at once. None waits forever.
func TestLiveHub_StartFailureNeverBlocksSubscribers(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		db, err := store.Open(context.Background(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		exec := func(q string) {
			if _, err := db.WriteDB().Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		exec(`ALTER TABLE live_events RENAME TO live_events_away`)

		// The log comes back: the waiting subscriber is served.
		logs, logger := testkit.NewLogs()
		hub := live.New(db, logger)
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- hub.Run(ctx) }()
		waiting := subscribe(context.Background(), hub)
		testkit.Eventually(t, 30*time.Second, "the failed start is logged", func() bool { return len(logs.Records(slog.LevelError)) > 0 })
		select {
		case s := <-waiting:
			t.Fatalf("subscribed before the hub started: %+v", s)
		default:
		}
		gaveUp, cancel := context.WithCancel(context.Background())
		impatient := subscribe(gaveUp, hub)
		cancel()
		if s := waitFor(t, impatient); !errors.Is(s.err, context.Canceled) {
			t.Errorf("a subscriber that gave up: %v", s.err)
		}
		exec(`ALTER TABLE live_events_away RENAME TO live_events`)
		if s := waitFor(t, waiting); s.err != nil || s.sub == nil {
			t.Errorf("after the log came back: %v", s.err)
		} else {
			s.sub.Close()
		}
		stop()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
		if s := waitFor(t, subscribe(context.Background(), hub)); !errors.Is(s.err, live.ErrStopped) {
			t.Errorf("subscribing to a stopped hub: %v", s.err)
		}

		// The hub stops before it could start: waiting subscribers get an error.
		exec(`ALTER TABLE live_events RENAME TO live_events_away`)
		hub = live.New(db, logger)
		ctx, stop = context.WithCancel(context.Background())
		go func() { done <- hub.Run(ctx) }()
		waiting = subscribe(context.Background(), hub)
		stop()
		if err := <-done; err == nil {
			t.Errorf("run gave up without an error")
		}
		if s := waitFor(t, waiting); !errors.Is(s.err, live.ErrStopped) {
			t.Errorf("a subscriber of a hub that never started: %v", s.err)
		}
	})
}

// waitFor polls for a subscription's outcome with a generous deadline.
func waitFor(t *testing.T, c chan subscribed) subscribed {
	t.Helper()
	var got subscribed
	testkit.Eventually(t, 30*time.Second, "Subscribe returns", func() bool {
		select {
		case got = <-c:
			return true
		default:
			return false
		}
	})
	return got
}

// TestLiveHub_IdleUntilSomeoneListens: while nobody subscribes, committed
// events are left unread; the first subscriber starts no later than the end
// of the log at the time, and gets what comes after it.
func TestLiveHub_IdleUntilSomeoneListens(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		db, err := store.Open(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		hub := live.New(db, slog.New(slog.DiscardHandler))
		done := make(chan error, 1)
		go func() { done <- hub.Run(ctx) }()
		add := func(kind string) {
			t.Helper()
			err := db.Update(ctx, func(tx *store.Tx) error {
				return tx.AddLiveEvent(ctx, &beseda.LiveEvent{WorkspaceID: 1, Kind: kind, Data: []byte(`{}`), CreatedAt: time.Now()})
			})
			if err != nil {
				t.Fatal(err)
			}
			hub.Kick()
		}
		for range 3 {
			add("before")
		}
		last, err := db.LastLiveEventID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		s, err := hub.Subscribe(ctx, 1, 1, live.Holder{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if w := hub.Watermark(); w > last {
			t.Errorf("a new subscriber's watermark is %d, past the end of the log %d", w, last)
		}
		add("after")
		// Events of just before subscribing may come too, if the hub had
		// not seen them yet when nobody listened; "after" must come.
		deadline := time.After(testkit.Timeout(30 * time.Second))
		for got := ""; got != "after"; {
			select {
			case d := <-s.Deliveries():
				got = d.Event.Kind
			case <-deadline:
				t.Fatal("the event after subscribing never came")
			}
		}
		stop()
		<-done
	})
}

// TestH4_LiveStreamsPerHolderEndTheOldest: a holder at its cap that opens
// one more subscription has its oldest ended and marked evicted; other
// holders, and uncapped subscriptions, are not touched.
func TestH4_LiveStreamsPerHolderEndTheOldest(t *testing.T) {
	db, err := store.Open(context.Background(), testkit.NewDatabase(t, store.SQLite))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hub := live.New(db, slog.New(slog.DiscardHandler))
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go hub.Run(ctx)
	open := func(key string) *live.Subscription {
		s, err := hub.Subscribe(ctx, 1, 0, live.Holder{Key: key, Max: 3})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	other := open("visitor:2")
	free, err := hub.Subscribe(ctx, 1, 1, live.Holder{})
	if err != nil {
		t.Fatal(err)
	}
	var mine []*live.Subscription
	for range 50 {
		mine = append(mine, open("visitor:1"))
	}
	for i, s := range mine {
		select {
		case <-s.Done():
			if i >= 47 || !s.Evicted() {
				t.Errorf("subscription %d ended (evicted=%v)", i, s.Evicted())
			}
		default:
			if i < 47 {
				t.Errorf("subscription %d is still open", i)
			}
		}
	}
	if n := hub.Connections(); n != 5 {
		t.Errorf("%d connections, want 3 of the holder and 2 others", n)
	}
	for _, s := range []*live.Subscription{other, free} {
		select {
		case <-s.Done():
			t.Errorf("another holder's subscription ended")
		default:
		}
	}
	// Closing one makes room without ending another.
	mine[49].Close()
	last := open("visitor:1")
	select {
	case <-mine[47].Done():
		t.Errorf("an eviction with room left")
	default:
	}
	last.Close()
}
