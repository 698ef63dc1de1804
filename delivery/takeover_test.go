package delivery_test

import (
	"context"
	"database/sql"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/delivery"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/faketelegram"
	"github.com/beseda/beseda/store"
)

// TestD2_ALostLeaseNeverSends: a deliverer stalls past its lease (its
// process freezes, its database session is cut), another takes the channel
// over, and the first one, back, sends nothing new: every message is handed to
// Telegram once, but for a send already in flight when the first one stalled,
// which B sends again (Telegram reports nothing it took, so only a second
// send makes sure it arrives) and marks resent.
func TestD2_ALostLeaseNeverSends(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// arm readies the platform's answer to m1 before A starts (armed
		// later, A could have sent m1 already).
		arm func(api *faketelegram.Server)
		// stall waits until A stalls, holding m1, and returns the moment
		// B's clock reads when B takes over.
		stall func(t *testing.T, api *faketelegram.Server, a *node, m1 int64, w *world) time.Time
		// m1 is what becomes of m1, sent by A before it stalled or not.
		m1Requests int
		// resent: m1 was in flight when A stalled, and B sent it again.
		resent bool
	}{{
		name: "a rate limit longer than the lease",
		arm:  func(api *faketelegram.Server) { api.FailNext(429, "Too Many Requests: retry after 60", 60) },
		stall: func(t *testing.T, api *faketelegram.Server, a *node, m1 int64, w *world) time.Time {
			t0 := a.clock.Now()
			retryAt := t0.Add(60 * time.Second)
			if 60*time.Second <= delivery.LeaseTTL {
				t.Fatal("the rate limit must outlast the lease")
			}
			testkit.Eventually(t, 20*time.Second, "the refusal recorded", func() bool {
				m := a.message(t, w, m1)
				return m.NextAttemptAt != nil && m.NextAttemptAt.Equal(retryAt)
			})
			// A waits in slices, renewing its lease between them; it stalls
			// in the first one.
			a.clock.WaitFor(t, t0.Add(time.Second))
			return retryAt.Add(time.Second)
		},
		m1Requests: 2, // refused by A, sent by B
	}, {
		name: "a send in flight when its holder stalls",
		arm:  func(api *faketelegram.Server) { api.HoldNext(1) },
		stall: func(t *testing.T, api *faketelegram.Server, a *node, m1 int64, w *world) time.Time {
			testkit.Eventually(t, 20*time.Second, "A sending m1", func() bool { return api.Waiting() == 1 })
			return a.clock.Now().Add(delivery.LeaseTTL + time.Second)
		},
		m1Requests: 2, // A's send may not have reached the client: B sends it again
		resent:     true,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			testkit.Each(t, func(t *testing.T, dbURL string) {
				api := faketelegram.New(t, botToken)
				a := newNode(t, dbURL, testkit.NewClock())
				w := a.world(t, api)
				ivan := a.client(t, w, "1001")
				m1 := a.produce(t, w, ivan, "m1")
				m2 := a.produce(t, w, ivan, "m2") // behind m1 in its chat
				tc.arm(api)
				ranA := a.start(w.ch.ID)
				takeover := tc.stall(t, api, a, m1.ID, w)

				// A stalls: on PostgreSQL its lock session ends; on SQLite
				// its lease runs out by B's clock.
				cutSession(t, dbURL, w.ch.ID)
				clockB := testkit.NewClock()
				clockB.Set(takeover)
				b := newNode(t, dbURL, clockB)
				b.runUntil(t, w.ch.ID, "B delivered the channel", func() bool {
					return a.message(t, w, m2.ID).Status == beseda.MessageSent
				})
				if m := a.message(t, w, m1.ID); m.Status != beseda.MessageSent || m.Resent != tc.resent {
					t.Errorf("m1: %s, resent %v", m.Status, m.Resent)
				}

				// A comes back: its wait or its send ends, and it finds its
				// lease gone.
				api.Release()
				a.clock.Set(takeover)
				if r := wait(t, ranA, "A's run ended"); r.err != nil {
					t.Fatalf("A's run: %v", r.err)
				}
				// Its job runs again, as River would: nothing is left for it.
				if _, _, err := a.eng.Run(context.Background(), w.ch.ID); err != nil {
					t.Fatal(err)
				}
				got := count(api.Requested())
				if got["m1"] != tc.m1Requests || got["m2"] != 1 {
					t.Errorf("requests %v: m1 %d times (want %d), m2 %d times (want 1)", api.Requested(),
						got["m1"], tc.m1Requests, got["m2"])
				}
				if sent := count(strings.Split(texts(api.Sent()), ",")); sent["m1"] > tc.m1Requests || sent["m2"] != 1 {
					t.Errorf("sent %s", texts(api.Sent()))
				}
			})
		})
	}
}

// TestD3_DeliveryResumesAfterAKill kills a real process while it holds a
// channel's lease with a send in flight, and starts another on a clock that
// stands still before that lease would run out: delivery resumes anyway. The
// message in flight is sent again and marked resent (Telegram reports nothing
// it took: the client may have it twice, never not at all); the others go
// once, in order.
func TestD3_DeliveryResumesAfterAKill(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		testkit.CreateWorkspace(t, dbURL, "Kill", "owner@kill.test", "a long secret")
		api := faketelegram.New(t, botToken)
		p := testkit.StartProcess(t, t.TempDir(), testkit.FreePort(t), []string{"BESEDA_SECRET_KEY=" + testkit.TestSecretKey}, "--db", dbURL)
		owner := testkit.Login(t, p.URL, "owner@kill.test", "a long secret")
		var ch testkit.ChannelInfo
		owner.MustDo("POST", "/api/v1/channels", map[string]any{"kind": "telegram", "name": "Bot", "config": map[string]string{
			"bot_token": botToken, "webhook_secret": secret, "api_base_url": api.URL}}, 201, &ch)
		telegramSide := testkit.NewClient(t, "")
		telegramSide.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		for chat, name := range map[int64]string{1001: "Ivan", 1002: "Olga"} {
			if res := telegramSide.Do("POST", ch.WebhookURL, faketelegram.TextUpdate(chat, chat, name, "hello")); res.Status != 200 {
				t.Fatalf("webhook: %d %s", res.Status, res.Body)
			}
		}
		var me struct{ Workspace beseda.Workspace }
		owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
		var subs []beseda.Subscriber
		owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
		byName := map[string]int64{}
		for _, s := range subs {
			byName[s.Name] = s.ID
		}
		produce := func(name, text string) int64 {
			var m beseda.Message
			owner.MustDo("POST", "/api/v1/outbound", map[string]any{"subscriber_id": byName[name], "source": "system",
				"text": text}, 201, &m)
			return m.ID
		}
		api.HoldNext(1)
		inFlight := produce("Ivan", "in flight")
		testkit.Eventually(t, 20*time.Second, "the send in flight", func() bool { return api.Waiting() == 1 })
		produce("Ivan", "after it")
		produce("Olga", "another chat")
		p.Signal(syscall.SIGKILL)

		// The dead process's lease has not run out, and on the new
		// process's clock it never will.
		raw, err := sql.Open(driver(dbURL), strings.TrimPrefix(dbURL, "sqlite:"))
		if err != nil {
			t.Fatal(err)
		}
		var holder string
		var expires int64
		err = raw.QueryRow(`SELECT holder, expires_at FROM delivery_leases WHERE channel_id = $1`, ch.ID).Scan(&holder, &expires)
		raw.Close()
		if err != nil || holder == "" {
			t.Fatalf("the dead process's lease: %q %v", holder, err)
		}
		clock := testkit.NewClock()
		clock.Set(time.UnixMilli(expires).Add(-delivery.LeaseTTL))
		srv := testkit.StartServer(t, dbURL, testkit.Options{Clock: clock})
		ctx := context.Background()
		msgs := func() []*beseda.Message {
			var out []*beseda.Message
			for _, id := range byName {
				m, err := srv.DB.FindMessages(ctx, beseda.MessageFilter{WorkspaceID: me.Workspace.ID,
					SubscriberID: id, Limit: 10})
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, m...)
			}
			return out
		}
		testkit.Eventually(t, 20*time.Second, "delivery resumed", func() bool {
			done := 0
			for _, m := range msgs() {
				if m.Direction == beseda.DirectionOut && m.Status != beseda.MessagePending {
					done++
				}
			}
			return done == 3
		})
		if now := clock.Now(); !now.Before(time.UnixMilli(expires)) {
			t.Fatalf("the clock reached the old lease's end (%v ≥ %v)", now, time.UnixMilli(expires))
		}
		for _, m := range msgs() {
			if m.Direction != beseda.DirectionOut {
				continue
			}
			if m.Status != beseda.MessageSent || m.Resent != (m.ID == inFlight) {
				t.Errorf("%q is %s, resent %v", m.Text, m.Status, m.Resent)
			}
		}
		if got := count(api.Requested()); got["in flight"] != 2 || got["after it"] != 1 || got["another chat"] != 1 {
			t.Errorf("handed to Telegram: %v; want the one in flight twice, the others once", api.Requested())
		}
	})
}

func driver(dbURL string) string {
	if strings.HasPrefix(dbURL, "postgres") {
		return "pgx"
	}
	return "sqlite"
}

// TestD3_AProcessThatOutlivesAnotherTakesOver: two processes share one
// PostgreSQL; the one holding a channel (and, started first, leading River)
// is killed and not restarted. The other takes the channel over at its next
// sweep of its own: no job or leader of the dead one stands in the way. The
// send the dead one had in flight goes again, marked resent.
func TestD3_AProcessThatOutlivesAnotherTakesOver(t *testing.T) {
	t.Parallel()
	if testkit.PostgresURL() == "" {
		t.Skip("no PostgreSQL server")
	}
	dbURL := testkit.NewMigratedDatabase(t, store.Postgres)
	testkit.CreateWorkspace(t, dbURL, "Two", "owner@two.test", "a long secret")
	api := faketelegram.New(t, botToken)
	a := testkit.StartProcess(t, t.TempDir(), testkit.FreePort(t), []string{"BESEDA_SECRET_KEY=" + testkit.TestSecretKey}, "--db", dbURL)
	owner := testkit.Login(t, a.URL, "owner@two.test", "a long secret")
	var ch testkit.ChannelInfo
	owner.MustDo("POST", "/api/v1/channels", map[string]any{"kind": "telegram", "name": "Bot", "config": map[string]string{
		"bot_token": botToken, "webhook_secret": secret, "api_base_url": api.URL}}, 201, &ch)
	telegramSide := testkit.NewClient(t, "")
	telegramSide.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	for chat, name := range map[int64]string{1001: "Ivan", 1002: "Olga"} {
		if res := telegramSide.Do("POST", ch.WebhookURL, faketelegram.TextUpdate(chat, chat, name, "hello")); res.Status != 200 {
			t.Fatalf("webhook: %d %s", res.Status, res.Body)
		}
	}
	var subs []beseda.Subscriber
	owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
	var me struct{ Workspace beseda.Workspace }
	owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
	produce := func(sub int64, text string) {
		owner.MustDo("POST", "/api/v1/outbound", map[string]any{"subscriber_id": sub, "source": "system", "text": text}, 201, nil)
	}
	api.HoldNext(1)
	produce(subs[0].ID, "in flight")
	testkit.Eventually(t, 20*time.Second, "A sending", func() bool { return api.Waiting() == 1 })
	produce(subs[1].ID, "waiting")

	// B joins, then A dies and stays dead.
	clock := testkit.NewClock()
	b := testkit.StartServer(t, dbURL, testkit.Options{Clock: clock})
	a.Signal(syscall.SIGKILL)
	delivered := func() bool { return count(api.Requested())["waiting"] == 1 }
	// B's own sweep comes every half second of its clock; the clock moves
	// on until it has found the channel (A's session may take a moment to
	// end).
	deadline := time.Now().Add(testkit.Timeout(10 * time.Second))
	for !delivered() {
		if time.Now().After(deadline) {
			t.Fatal("the surviving process did not take the channel over")
		}
		clock.Advance(2 * time.Second)
		time.Sleep(20 * time.Millisecond)
	}
	testkit.Eventually(t, 20*time.Second, "the send in flight sent again", func() bool {
		return count(api.Requested())["in flight"] == 2
	})
	m, err := b.DB.FindMessages(context.Background(), beseda.MessageFilter{WorkspaceID: me.Workspace.ID,
		SubscriberID: subs[0].ID, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if last := m[len(m)-1]; last.Status != beseda.MessageSent || !last.Resent {
		t.Errorf("the message in flight is %s, resent %v; want sent again", last.Status, last.Resent)
	}
}
