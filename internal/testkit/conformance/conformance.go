// Package conformance is the channel conformance suite: one set of
// scenarios — receiving text and files, events sent twice, a poisoned event
// in a batch, sending text and files, failures and rate limits, the send
// window, the rating buttons — that every channel with a remote platform
// runs against its fake of the platform's API, on both databases.
//
// What a channel does with a send a crash cut off is its own (confirmed by
// the platform's status, or sent again), so it is tested in its package.
//
// A channel's tests give the suite its type and a small shim (Fake): how the
// platform posts an event, and what the fake received. The scenarios know
// no platform; what differs between platforms (a window, names given or
// not) they read from the channel's type, as the rest of Beseda does.
package conformance

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// Event is one event as the platform posts it to the webhook.
type Event []byte

// File is a file a client sends or a manager's message carries: its name,
// its type (as the client's app declares it, or as uploaded) and bytes.
type File struct {
	Name string
	Type string
	Data []byte
}

// Sent is one call the fake accepted, in the suite's words.
type Sent struct {
	To      string          // the client, in the platform's words
	Text    string          // the text, or the caption of a file
	Buttons []beseda.Button // the buttons, flattened in order
	File    *File           // a file uploaded with the call
}

// Connect adds a channel to the world's workspace, its API a new fake of
// the platform's, and returns the channel's shim.
type Connect func(t *testing.T, w *testkit.World) Fake

// Fake is one connected channel and its client: a fake of the platform
// where the channel has a remote side (see Remote), else the channel's own
// client side.
type Fake interface {
	Channel() testkit.ChannelInfo
	// Client is how Sent.To names the client.
	Client() string

	// Text is the client's text message; events with one id are the same
	// event sent again.
	Text(id, text string) Event
	// Named is a text message from a client of that name; nil when the
	// platform gives no names with its events.
	Named(id, name, text string) Event
	// Tap is the client's tap on a button the channel sent.
	Tap(id string, b beseda.Button) Event
	// Post posts the events as the platform would, in one batch where it
	// batches, and fails the test unless each is answered as the platform
	// expects.
	Post(t *testing.T, events ...Event)

	// Sent is what reached the client, in order: the calls the fake
	// accepted.
	Sent() []Sent
}

// Remote is the fake of a remote platform: it posts webhooks, serves the
// client's files, and its API can refuse a send.
type Remote interface {
	Fake
	// File is the client's file with a caption; the fake serves the file.
	File(id, caption string, f File) Event
	// LostFile is a file the platform no longer gives.
	LostFile(id, name string) Event
	// Calls counts every call to the fake, refused ones included.
	Calls() int
	// RateLimitNext makes the platform refuse the next send for a while;
	// it returns how long the platform asks to wait.
	RateLimitNext() time.Duration
	// RefuseNext makes the platform refuse the next send for good (a
	// blocked bot, a token no longer valid); it returns a part of the
	// reason the message shows.
	RefuseNext() string
	// BreakNext makes the platform fail the next send for now (a 5xx).
	BreakNext()
	// RefuseWindowNext makes the platform refuse the next send as outside
	// its window. Called only when the channel's type has a window.
	RefuseWindowNext()
}

// scenario is one rule the suite proves of a channel.
type scenario struct {
	name   string
	remote bool // it needs a remote platform (Remote)
	// alone: it needs a server of its own, because it moves the server's
	// clock, breaks its database (Poison) or reads its logs. The others
	// share one server per database, each in a workspace of its own.
	alone bool
	opts  func(*testkit.Options) // the options of its own server (alone)
	run   func(t *testing.T, c *conn)
}

// Run runs every scenario against the channel of the type, connected by
// connect, each on SQLite and PostgreSQL, side by side.
func Run(t *testing.T, typ beseda.ChannelType, connect Connect) {
	remote := typ.Webhook() != nil
	// The server that the scenarios which need none of their own share, one
	// per database; they end with t, after every scenario.
	shared := map[store.Dialect]*testkit.Server{}
	for _, d := range testkit.Dialects() {
		shared[d] = testkit.StartServer(t, testkit.NewMigratedDatabase(t, d), testkit.Options{})
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if s.remote && !remote {
				t.Skip("the channel has no remote platform: no webhook posts to it, no API refuses its sends")
			}
			t.Parallel()
			for _, d := range testkit.Dialects() {
				t.Run(string(d), func(t *testing.T) {
					srv, logs := shared[d], (*testkit.Logs)(nil)
					if s.alone {
						var logger *slog.Logger
						logs, logger = testkit.NewLogs()
						opts := testkit.Options{Logger: logger}
						if s.opts != nil {
							s.opts(&opts)
						}
						srv = testkit.StartServer(t, testkit.NewMigratedDatabase(t, d), opts)
					}
					w := testkit.NewWorld(t, srv, beseda.LocaleEN)
					fake := connect(t, w)
					r, ok := fake.(Remote)
					if remote && !ok {
						t.Fatalf("the channel has a webhook but its shim %T is no Remote", fake)
					}
					s.run(t, &conn{Fake: fake, r: r, w: w, typ: typ, logs: logs})
				})
			}
		})
	}
}

// conn is a scenario's world: the workspace, the connected channel and its
// fake.
type conn struct {
	Fake
	r    Remote // nil without a remote platform (no webhook)
	w    *testkit.World
	typ  beseda.ChannelType
	logs *testkit.Logs // the server's logs, of a scenario alone only
}

// subscriber is the client the fake plays, as the API lists it.
func (c *conn) subscriber(t *testing.T) beseda.Subscriber { return c.w.SubscriberOf(c.typ.Kind()) }

// subscribers counts the workspace's subscribers.
func (c *conn) subscribers(t *testing.T) int {
	t.Helper()
	var subs []beseda.Subscriber
	c.w.Owner.MustDo("GET", "/api/v1/subscribers", nil, http.StatusOK, &subs)
	return len(subs)
}

func (c *conn) messages(t *testing.T, subscriberID int64) []beseda.Message {
	return c.w.Messages(subscriberID)
}

func (c *conn) last(t *testing.T, subscriberID int64) beseda.Message {
	t.Helper()
	msgs := c.messages(t, subscriberID)
	if len(msgs) == 0 {
		t.Fatal("no messages")
	}
	return msgs[len(msgs)-1]
}

// texts are the texts of the client's messages, in order.
func (c *conn) texts(t *testing.T) []string {
	t.Helper()
	var subs []beseda.Subscriber
	c.w.Owner.MustDo("GET", "/api/v1/subscribers", nil, http.StatusOK, &subs)
	var out []string
	for _, s := range subs {
		for _, m := range c.messages(t, s.ID) {
			if m.Direction == beseda.DirectionIn {
				out = append(out, m.Text)
			}
		}
	}
	return out
}

// hello is the client's first message: it makes the subscriber and opens
// the window.
func (c *conn) hello(t *testing.T) beseda.Subscriber {
	t.Helper()
	c.Post(t, c.Text("hello", "Hi"))
	return c.subscriber(t)
}

// write posts a manager's message in the general chat.
func (c *conn) write(t *testing.T, subscriberID int64, text string, attachmentIDs ...int64) beseda.Message {
	t.Helper()
	var m beseda.Message
	c.w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", subscriberID),
		map[string]any{"text": text, "attachment_ids": attachmentIDs}, http.StatusCreated, &m)
	return m
}

// produce posts an automation message of the source.
func (c *conn) produce(t *testing.T, subscriberID int64, source beseda.Source, text string) {
	t.Helper()
	c.w.Owner.MustDo("POST", "/api/v1/outbound", map[string]any{"subscriber_id": subscriberID, "source": source,
		"text": text}, http.StatusCreated, nil)
}

// waitSent waits until the fake accepted n calls and returns them.
func (c *conn) waitSent(t *testing.T, n int) []Sent {
	t.Helper()
	testkit.Eventually(t, 10*time.Second, "calls the fake accepted", func() bool { return len(c.Sent()) >= n })
	return c.Sent()
}

// waitLast waits until the client's last message is in the state.
func (c *conn) waitLast(t *testing.T, subscriberID int64, what string, ok func(beseda.Message) bool) beseda.Message {
	t.Helper()
	var m beseda.Message
	testkit.Eventually(t, 15*time.Second, what, func() bool {
		m = c.last(t, subscriberID)
		return ok(m)
	})
	return m
}

func (c *conn) dialog(t *testing.T, id int64) beseda.Dialog {
	t.Helper()
	var d beseda.Dialog
	c.w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", id), nil, http.StatusOK, &d)
	return d
}

// complete completes a dialog asking for the rating form.
func (c *conn) complete(t *testing.T, dialogID int64, body map[string]any) beseda.Dialog {
	t.Helper()
	body["status"] = "completed"
	body["send_rating_form"] = true
	var d beseda.Dialog
	c.w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", dialogID), body, http.StatusOK, &d)
	return d
}

func (c *conn) ctx() context.Context { return context.Background() }

// scenarios are the suite, each named after the rule it proves.
var scenarios = []scenario{
	{name: "W4_ClientTextIsStored", run: clientTextIsStored},
	{name: "H1_ClientTextIsCleaned", run: clientTextIsCleaned},
	{name: "EventSentAgainIsStoredOnce", remote: true, run: eventSentAgainIsStoredOnce},
	{name: "LongNamesAreCut", run: longNamesAreCut},
	{name: "H1_LongTextIsStoredShortened", remote: true, run: longTextIsStoredShortened},
	{name: "FilesAreKept", remote: true, alone: true, opts: smallUploads, run: filesAreKept},
	{name: "H7_AnEventThatCannotBeStoredIsSkippedAndRetried", remote: true, alone: true, run: poisonedEventIsSkippedAndRetried},
	{name: "H7_ARatingTapDuringADatabaseFailureIsNotLost", remote: true, alone: true, run: tapDuringADatabaseFailureIsNotLost},
	{name: "TextGoesToTheClient", run: textGoesToTheClient},
	{name: "FilesGoWithTheirMessage", run: filesGoWithTheirMessage},
	{name: "NotesNeverReachTheClient", run: notesNeverReachTheClient},
	{name: "FailuresAreSorted", remote: true, alone: true, run: failuresAreSorted},
	{name: "D2_RateLimitIsWaitedOut", remote: true, alone: true, run: rateLimitIsWaitedOut},
	{name: "WindowIsKept", alone: true, run: windowIsKept},
	{name: "R2_RatingFormOutsideTheWindow", alone: true, run: ratingFormOutsideTheWindow},
	{name: "R3_FirstTapCounts", run: firstTapCounts},
}
