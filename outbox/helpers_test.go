package outbox_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/channel/telegram"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/faketelegram"
	"github.com/beseda/beseda/outbox"
	"github.com/beseda/beseda/store"
)

const (
	botToken = "123456:TEST-token_abcdefghijklmnop"
	secret   = "hook-secret_42"
)

// bot is a running server with a Telegram channel whose Bot API is a fake.
type bot struct {
	w     *testkit.World
	api   *faketelegram.Server
	ch    testkit.ChannelInfo
	clock *testkit.Clock
}

// newBot starts a server on a fake clock, delivering Telegram at the pace.
func newBot(t *testing.T, dbURL string, pace beseda.Pacing) *bot {
	t.Helper()
	clock := testkit.NewClock()
	srv := testkit.StartServer(t, dbURL, testkit.Options{Clock: clock, Configure: func(c *server.Config) {
		c.Pacing[telegram.Kind] = pace
	}})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	api := faketelegram.New(t, botToken)
	ch := w.AddChannel("telegram", "Support bot", map[string]string{"bot_token": botToken, "webhook_secret": secret,
		"api_base_url": api.URL})
	return &bot{w: w, api: api, ch: ch, clock: clock}
}

// client makes a Telegram chat write to the bot and returns its subscriber.
func (b *bot) client(t *testing.T, chatID int64, name string) int64 {
	t.Helper()
	res := b.w.Webhook(b.ch.WebhookURL, faketelegram.TextUpdate(chatID, chatID, name, "hello"),
		map[string]string{"X-Telegram-Bot-Api-Secret-Token": secret})
	if res.Status != 200 {
		t.Fatalf("webhook: %d %s", res.Status, res.Body)
	}
	var subs []beseda.Subscriber
	b.w.Owner.MustDo("GET", "/api/v1/subscribers", nil, 200, &subs)
	for _, s := range subs {
		if s.Name == name {
			return s.ID
		}
	}
	t.Fatalf("no subscriber %s", name)
	return 0
}

// produce sends a message of the source to the client through the API.
func (b *bot) produce(t *testing.T, subscriberID int64, source beseda.Source, text string) beseda.Message {
	t.Helper()
	var m beseda.Message
	b.w.Owner.MustDo("POST", "/api/v1/outbound", map[string]any{"subscriber_id": subscriberID, "source": source,
		"text": text}, 201, &m)
	return m
}

// message reads a message back.
func (b *bot) message(t *testing.T, subscriberID, id int64) beseda.Message {
	t.Helper()
	var msgs []beseda.Message
	b.w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", subscriberID), nil, 200, &msgs)
	for _, m := range msgs {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("no message %d", id)
	return beseda.Message{}
}

// count tells how often each text was handed to the Bot API.
func count(texts []string) map[string]int {
	out := map[string]int{}
	for _, s := range texts {
		out[s]++
	}
	return out
}

func texts(sent []faketelegram.Sent) string {
	var out []string
	for _, s := range sent {
		out = append(out, s.Text)
	}
	return strings.Join(out, ",")
}

// node is a delivery engine of its own on a shared database, as in another
// process, driven by the test: it runs the channel when the test says so,
// as the deliver job would.
type node struct {
	db    *store.DB
	app   *app.App
	eng   *outbox.Engine[*store.Tx]
	clock *testkit.Clock
}

func newNode(t *testing.T, dbURL string, clock *testkit.Clock) *node {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	channels := server.Channels()
	a := app.New(db, app.Config{Clock: clock, Logger: log, BcryptCost: bcrypt.MinCost, Channels: channels})
	eng := outbox.New(db, db.Leases(), a.Outbox(), outbox.Config{Clock: clock, Logger: log, Channels: channels,
		Pacing: map[beseda.ChannelKind]beseda.Pacing{telegram.Kind: {}}})
	a.SetDelivery(eng)
	eng.SetStarter(func(context.Context, int64) error { return nil }) // the test runs the channel itself
	t.Cleanup(func() {
		eng.Stop()
		eng.Close()
		db.Close()
	})
	return &node{db: db, app: a, eng: eng, clock: clock}
}

// world is a workspace with a Telegram channel, made through a node's use
// cases.
type world struct {
	owner *beseda.User
	ch    *beseda.Channel
}

func (n *node) world(t *testing.T, api *faketelegram.Server) *world {
	t.Helper()
	ctx := context.Background()
	_, owner, err := n.app.Users.CreateWorkspace(ctx, beseda.WorkspaceCreate{Name: "Shop", Locale: beseda.LocaleEN,
		OwnerEmail: "owner@shop.test", OwnerName: "Olga", OwnerPassword: testkit.TestPassword})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := n.app.Channels.CreateChannel(ctx, owner, beseda.ChannelCreate{Kind: telegram.Kind, Name: "Bot",
		Config: beseda.ChannelConfig{"bot_token": botToken, "webhook_secret": secret, "api_base_url": api.URL}}, "")
	if err != nil {
		t.Fatal(err)
	}
	return &world{owner: owner, ch: ch}
}

// client makes a chat write to the bot and returns its subscriber id.
func (n *node) client(t *testing.T, w *world, chatID string) int64 {
	t.Helper()
	ctx := context.Background()
	if err := n.app.Inbox.ReceiveInbound(ctx, w.ch, beseda.InboundEvent{ExternalUserID: chatID, Name: "Chat " + chatID,
		Key: "hello " + chatID, Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	subs, err := n.db.FindSubscribers(ctx, beseda.SubscriberFilter{WorkspaceID: w.owner.WorkspaceID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subs {
		if s.ExternalID == chatID {
			return s.ID
		}
	}
	t.Fatalf("no subscriber for chat %s", chatID)
	return 0
}

func (n *node) produce(t *testing.T, w *world, subscriberID int64, text string) *beseda.Message {
	t.Helper()
	m, _, err := n.app.Automation.Outbound(context.Background(), w.owner, beseda.Outbound{SubscriberID: subscriberID,
		Source: beseda.SourceSystem, Text: text})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (n *node) message(t *testing.T, w *world, id int64) *beseda.Message {
	t.Helper()
	m, err := n.db.FindMessageByID(context.Background(), w.owner.WorkspaceID, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// result is what a run returned.
type result struct {
	more bool
	err  error
}

// start runs the channel in the background, as a deliver job would.
func (n *node) start(channelID int64) <-chan result {
	out := make(chan result, 1)
	go func() {
		more, _, err := n.eng.Run(context.Background(), channelID)
		out <- result{more, err}
	}()
	return out
}

// runUntil runs the channel until cond holds: a run may find the lease not
// yet free (a dead session's backend ends a moment after it is cut).
func (n *node) runUntil(t *testing.T, channelID int64, what string, cond func() bool) {
	t.Helper()
	testkit.Eventually(t, 20*time.Second, what, func() bool {
		if _, _, err := n.eng.Run(context.Background(), channelID); err != nil {
			t.Fatal(err)
		}
		return cond()
	})
}

func wait(t *testing.T, c <-chan result, what string) result {
	t.Helper()
	select {
	case r := <-c:
		return r
	case <-time.After(testkit.Timeout(20 * time.Second)):
		t.Fatalf("after %v: %s", testkit.Timeout(20*time.Second), what)
		return result{}
	}
}

// leaseLockSpace is the first key of the delivery leases' advisory locks.
const leaseLockSpace = 0x42534441

// cutSession ends, on PostgreSQL, the database session holding the channel's
// lease lock, as when its process dies or its network goes; the server drops
// the lock with it. On SQLite there is no such session.
func cutSession(t *testing.T, dbURL string, channelID int64) {
	t.Helper()
	if !strings.HasPrefix(dbURL, "postgres") {
		return
	}
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	err = db.QueryRow(`SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND classid = $1 AND objid = $2 AND objsubid = 2
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
		leaseLockSpace, channelID).Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("cut the lease session: %d sessions, %v", n, err)
	}
}
