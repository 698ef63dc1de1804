package conformance

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// postNamed posts a text from a client of that name, or without one where
// the platform gives no names, and tells which.
func (c *conn) postNamed(t *testing.T, id, name, text string) (named bool) {
	t.Helper()
	ev := c.Named(id, name, text)
	if named = ev != nil; !named {
		ev = c.Text(id, text)
	}
	c.Post(t, ev)
	return named
}

// clientTextIsStored (W4): a client's text makes the subscriber, named as
// the platform names the client, and is stored in the general chat; once a
// dialog is active, the next one goes into it.
func clientTextIsStored(t *testing.T, c *conn) {
	named := c.postNamed(t, "t1", "Greta Client", "Where is my order?")
	sub := c.subscriber(t)
	if sub.LastInboundAt == nil || sub.ChannelKind != c.typ.Kind() {
		t.Errorf("subscriber %+v", sub)
	}
	if named && sub.Name != "Greta Client" {
		t.Errorf("subscriber named %q, want the name the platform gave", sub.Name)
	}
	d := c.w.CreateDialog(sub.ID, "Order")
	c.Post(t, c.Text("t2", "Any news?"))
	msgs := c.messages(t, sub.ID)
	if len(msgs) != 2 || msgs[0].Text != "Where is my order?" || msgs[0].DialogID != nil ||
		msgs[1].Text != "Any news?" || msgs[1].DialogID == nil || *msgs[1].DialogID != d.ID {
		t.Fatalf("messages %+v", msgs)
	}
	for _, m := range msgs {
		if m.Direction != beseda.DirectionIn {
			t.Errorf("a client's message stored as %s", m.Direction)
		}
	}
	if n := c.subscribers(t); n != 1 {
		t.Errorf("%d subscribers, want 1", n)
	}
}

// clientTextIsCleaned (H1): text arriving from a client with NUL bytes or
// invalid UTF-8, in its name or its message, is stored cleaned (NUL removed,
// invalid bytes replaced by U+FFFD), never refused.
func clientTextIsCleaned(t *testing.T, c *conn) {
	named := c.postNamed(t, "c1", "Gre\x00ta", "ca\x00fe")
	c.Post(t, Event(bytes.Replace(c.Text("c2", "bytesXX"), []byte("XX"), []byte("\xff\xfe"), 1)))
	sub := c.subscriber(t)
	if named && sub.Name != "Greta" {
		t.Errorf("name stored as %q", sub.Name)
	}
	if got := strings.Join(c.texts(t), "|"); got != "cafe|bytes\uFFFD\uFFFD" {
		t.Errorf("stored %q", got)
	}
}

// eventSentAgainIsStoredOnce: the platform delivers an event again (it was
// unsure of the answer): it is acted on once.
func eventSentAgainIsStoredOnce(t *testing.T, c *conn) {
	c.Post(t, c.Text("d1", "Hello there"))
	c.Post(t, c.Text("d1", "Hello there"))
	c.Post(t, c.Text("d2", "Anyone?"))
	if got := strings.Join(c.texts(t), ","); got != "Hello there,Anyone?" {
		t.Errorf("stored %q", got)
	}
}

// longNamesAreCut: a client name longer than Beseda keeps is cut to 100
// characters, not refused and not stored whole.
func longNamesAreCut(t *testing.T, c *conn) {
	long := strings.Repeat("Ё", 150) + " " + strings.Repeat("ж", 150)
	ev := c.Named("n1", long, "hello")
	if ev == nil {
		t.Skip("the platform gives no client names")
	}
	c.Post(t, ev)
	if sub := c.subscriber(t); sub.Name != strings.Repeat("Ё", 100) {
		t.Errorf("name stored as %q (%d characters)", sub.Name, utf8.RuneCountInString(sub.Name))
	}
}

// longTextIsStoredShortened (H1): a client's text longer than the platform
// takes is stored cut at a character, within the channel's limit, with
// "… [message shortened: N characters more]" — never dropped.
func longTextIsStoredShortened(t *testing.T, c *conn) {
	limit := c.typ.TextLimit().Max
	c.Post(t, c.Text("long", strings.Repeat("ж", limit+500)))
	got := c.last(t, c.subscriber(t).ID).Text
	kept := utf8.RuneCountInString(got) - utf8.RuneCountInString(strings.TrimLeft(got, "ж"))
	want := strings.Repeat("ж", kept) + fmt.Sprintf("… [message shortened: %d characters more]", limit+500-kept)
	if got != want || utf8.RuneCountInString(got) != limit {
		t.Errorf("stored %d characters ending %q; want %d ending %q", utf8.RuneCountInString(got),
			got[max(0, len(got)-60):], limit, want[max(0, len(want)-60):])
	}
}

// filesAreKept: a client's file is fetched from the platform and stored as
// an attachment of its message, the caption its text, its type sniffed
// from the bytes whatever the client's app said. A file over the server's
// limit, or one the platform no longer gives, leaves a note instead of the
// message being lost.
func filesAreKept(t *testing.T, c *conn) {
	big := append([]byte(string(testkit.PDF)), strings.Repeat("0", 5000)...)
	c.Post(t, c.r.File("f1", "The scan", File{Name: "scan.png", Type: "image/png", Data: testkit.PDF}))
	c.Post(t, c.r.File("f2", "", File{Name: "photo.png", Type: "image/jpeg", Data: testkit.PNG(4, 3)}))
	c.Post(t, c.r.File("f3", "The big one", File{Name: "big.pdf", Type: "application/pdf", Data: big}))
	c.Post(t, c.r.LostFile("f4", "lost.pdf"))
	msgs := c.messages(t, c.subscriber(t).ID)
	if len(msgs) != 4 {
		t.Fatalf("%d messages, want 4: %+v", len(msgs), msgs)
	}
	if msgs[0].Text != "The scan" || len(msgs[0].Attachments) != 1 {
		t.Fatalf("the scan %+v", msgs[0])
	}
	c.w.CheckAttachment(t, msgs[0].Attachments[0], "scan.png", "application/pdf", testkit.PDF)
	if msgs[1].Text != "" || len(msgs[1].Attachments) != 1 {
		t.Fatalf("the photo %+v", msgs[1])
	}
	c.w.CheckAttachment(t, msgs[1].Attachments[0], "photo.png", "image/png", testkit.PNG(4, 3))
	if msgs[2].Text != "The big one\n[file too large to keep: big.pdf]" || len(msgs[2].Attachments) != 0 {
		t.Errorf("too large: %q %+v", msgs[2].Text, msgs[2].Attachments)
	}
	if msgs[3].Text != "[file not available: lost.pdf]" || len(msgs[3].Attachments) != 0 {
		t.Errorf("a lost file: %q %+v", msgs[3].Text, msgs[3].Attachments)
	}
}

func smallUploads(o *testkit.Options) {
	o.Configure = func(cfg *server.Config) { cfg.MaxUploadBytes = 4096 }
}

type failure struct {
	Key, Raw, Error, Outcome string
	Attempts                 int
}

func (c *conn) failures(t *testing.T) []failure {
	t.Helper()
	fs, err := c.w.Srv.DB.FindInboundFailures(c.ctx(), c.Channel().ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	var out []failure
	for _, f := range fs {
		out = append(out, failure{f.Event.Key, f.Raw, f.LastError, f.Outcome, f.Attempts})
	}
	return out
}

// poisonedEventIsSkippedAndRetried (H7): the database refuses one event of
// a batch. The others are stored, the answer is 200 (the platform does not
// send the batch again and again), the failed event is recorded with its
// channel, its raw bytes and the error, logged at ERROR without its text,
// and a job stores it once the database takes it again.
func poisonedEventIsSkippedAndRetried(t *testing.T, c *conn) {
	cure := testkit.Poison(t, c.w.Srv.DB, "poison_messages", "INSERT", "messages", "NEW.text = 'the poisoned one'")
	batch := []Event{c.Text("p1", "first"), c.Text("p2", "the poisoned one"), c.Text("p3", "third")}
	c.Post(t, batch...)
	if got := strings.Join(c.texts(t), ","); got != "first,third" {
		t.Fatalf("stored %q; the events around the failed one must be stored", got)
	}
	fs := c.failures(t)
	if len(fs) != 1 || fs[0].Key == "" || !strings.Contains(fs[0].Raw, "the poisoned one") ||
		!strings.Contains(fs[0].Error, "poisoned by the test") || fs[0].Attempts != 1 || fs[0].Outcome != "" {
		t.Fatalf("recorded %+v", fs)
	}
	errs := c.logs.Records(slog.LevelError)
	if len(errs) == 0 || !strings.Contains(errs[0].Message, "not stored") || errs[0].Attrs["channel"] == "" {
		t.Errorf("not logged at ERROR with the channel: %v", errs)
	}
	if c.logs.Contains("the poisoned one") {
		t.Error("the message's text was logged")
	}

	// The platform sends the batch again after all: what is stored is not
	// stored twice; the failed event still waits for its one retry.
	c.Post(t, batch...)
	if got := strings.Join(c.texts(t), ","); got != "first,third" {
		t.Errorf("after the batch came again: %q", got)
	}
	if fs := c.failures(t); len(fs) != 1 {
		t.Errorf("the event sent again was recorded again: %+v", fs)
	}

	// The database takes it again; the retry comes after its backoff, on
	// the application's clock.
	cure()
	c.w.Srv.Clock.Advance(31 * time.Second)
	testkit.Eventually(t, 20*time.Second, "the recorded event stored by the retry", func() bool {
		return strings.Join(c.texts(t), ",") == "first,third,the poisoned one"
	})
	testkit.Eventually(t, 10*time.Second, "the failure settled", func() bool {
		fs := c.failures(t)
		return len(fs) == 1 && fs[0].Outcome == store.InboundStored && fs[0].Attempts == 2
	})
}

// tapDuringADatabaseFailureIsNotLost (H7): a tap on the rating form comes
// while the database cannot record ratings. The platform gets 200 (no
// resending forever), and the rating is recorded once the database
// recovers — once, though the retry fails again first.
func tapDuringADatabaseFailureIsNotLost(t *testing.T, c *conn) {
	sub := c.hello(t)
	d := c.w.CreateDialog(sub.ID, "Help")
	c.complete(t, d.ID, map[string]any{})
	normal := c.waitSent(t, 1)[0].Buttons[1]

	cure := testkit.Poison(t, c.w.Srv.DB, "poison_ratings", "UPDATE", "dialogs", "NEW.client_rating IS NOT NULL")
	c.Post(t, c.Tap("tap1", normal))
	if r := c.dialog(t, d.ID).ClientRating; r != nil {
		t.Fatalf("rated %d while the database refused it", *r)
	}

	// The first retry meets the failure again and waits longer.
	c.w.Srv.Clock.Advance(31 * time.Second)
	testkit.Eventually(t, 20*time.Second, "a second failed attempt", func() bool {
		fs := c.failures(t)
		return len(fs) == 1 && fs[0].Attempts == 2 && fs[0].Outcome == ""
	})
	cure()
	c.w.Srv.Clock.Advance(61 * time.Second)
	testkit.Eventually(t, 20*time.Second, "the rating recorded by the retry", func() bool {
		r := c.dialog(t, d.ID).ClientRating
		return r != nil && *r == 2
	})
	if got := c.waitSent(t, 2)[1]; got.Text != "Thank you for your feedback!" {
		t.Errorf("the thank-you: %+v", got)
	}
	// The retry settles the failure in a transaction of its own, after the
	// one that stored the tap: on a busy machine the thank-you can be seen
	// before it.
	testkit.Eventually(t, 20*time.Second, "the failure settled as stored after 3 attempts", func() bool {
		fs := c.failures(t)
		return len(fs) == 1 && fs[0].Outcome == store.InboundStored && fs[0].Attempts == 3
	})
}
