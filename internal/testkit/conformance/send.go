package conformance

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// textGoesToTheClient: a manager's message is pending until the platform
// took it, then sent, to the client who wrote; a channel without a remote
// side (no sender) shows it as stored, sent at once. A text as long as the
// channel takes goes; one character more is refused with a clear error.
func textGoesToTheClient(t *testing.T, c *conn) {
	sub := c.hello(t)
	want := beseda.MessagePending
	if c.typ.Sender() == nil {
		want = beseda.MessageSent
	}
	if m := c.write(t, sub.ID, "Hello, there!"); m.Status != want {
		t.Errorf("a message is %s when written, want %s", m.Status, want)
	}
	if got := c.waitSent(t, 1)[0]; got.To != c.Client() || got.Text != "Hello, there!" || len(got.Buttons) != 0 || got.File != nil {
		t.Errorf("sent %+v", got)
	}
	c.waitLast(t, sub.ID, "marked sent", func(m beseda.Message) bool { return m.Status == beseda.MessageSent })

	limit := c.typ.TextLimit().Max
	chat := testkit.Path("/api/v1/subscribers/%d/messages", sub.ID)
	c.w.Owner.WantError("POST", chat, map[string]string{"text": strings.Repeat("ж", limit+1)}, http.StatusBadRequest, beseda.EINVALID)
	c.write(t, sub.ID, strings.Repeat("ж", limit))
	if got := c.waitSent(t, 2); len(got) != 2 || got[1].Text != strings.Repeat("ж", limit) {
		t.Errorf("the longest text the channel takes: %d calls", len(got))
	}
}

// filesGoWithTheirMessage: a manager's text with a picture and a PDF
// reaches the client whole: each file uploaded with its name, type and
// bytes, in order, and the text once (on its own or as a caption). A
// message of files alone goes without a text.
func filesGoWithTheirMessage(t *testing.T, c *conn) {
	sub := c.hello(t)
	photo := testkit.PNG(4, 3)
	c.write(t, sub.ID, "Here you go", c.w.Owner.MustUpload("photo.png", photo), c.w.Owner.MustUpload("terms.pdf", testkit.PDF))
	c.waitLast(t, sub.ID, "marked sent", func(m beseda.Message) bool { return m.Status == beseda.MessageSent })
	var files []File
	texts := 0
	for _, s := range c.Sent() {
		if s.To != c.Client() {
			t.Errorf("a call to %q, want %q", s.To, c.Client())
		}
		if s.File != nil {
			files = append(files, *s.File)
		}
		texts += strings.Count(s.Text, "Here you go")
	}
	want := []File{{"photo.png", "image/png", photo}, {"terms.pdf", "application/pdf", testkit.PDF}}
	if len(files) != 2 {
		t.Fatalf("%d files sent, want 2: %+v", len(files), c.Sent())
	}
	for i, f := range files {
		if f.Name != want[i].Name || f.Type != want[i].Type || !bytes.Equal(f.Data, want[i].Data) {
			t.Errorf("file %d: %s %s %d bytes, want %s %s %d bytes", i, f.Name, f.Type, len(f.Data),
				want[i].Name, want[i].Type, len(want[i].Data))
		}
	}
	if texts != 1 {
		t.Errorf("the text went %d times, want once", texts)
	}

	// Files alone, without a text, go too.
	before := len(c.Sent())
	c.write(t, sub.ID, "", c.w.Owner.MustUpload("alone.png", photo))
	c.waitLast(t, sub.ID, "files alone marked sent", func(m beseda.Message) bool { return m.Status == beseda.MessageSent })
	if got := c.Sent()[before:]; len(got) != 1 || got[0].Text != "" || got[0].File == nil || got[0].File.Name != "alone.png" {
		t.Errorf("a picture alone went as %+v", got)
	}
}

// failuresAreSorted: a refusal for good fails the message with the
// platform's reason and is not tried again; a failure for now is retried
// with backoff, on the application's clock, and then sent.
func failuresAreSorted(t *testing.T, c *conn) {
	sub := c.hello(t)
	reason := c.r.RefuseNext()
	c.write(t, sub.ID, "refused")
	c.waitLast(t, sub.ID, "failed for good", func(m beseda.Message) bool {
		return m.Status == beseda.MessageFailed && strings.Contains(m.Reason, reason)
	})

	c.r.BreakNext()
	c.write(t, sub.ID, "flaky")
	c.waitLast(t, sub.ID, "a retry scheduled", func(m beseda.Message) bool {
		return m.Status == beseda.MessagePending && m.Attempts == 1 && m.NextAttemptAt != nil
	})
	c.w.Srv.Clock.Advance(10 * time.Second)
	c.waitLast(t, sub.ID, "sent on retry", func(m beseda.Message) bool { return m.Status == beseda.MessageSent })
	var texts []string
	for _, s := range c.Sent() {
		texts = append(texts, s.Text)
	}
	if got := strings.Join(texts, ","); got != "flaky" {
		t.Errorf("sent %q; the refused message must not be tried again", got)
	}
}

// rateLimitIsWaitedOut (D2): the platform's rate limit is waited out on the
// application's clock, then the message goes once; a rate limit is not a
// failed attempt.
func rateLimitIsWaitedOut(t *testing.T, c *conn) {
	sub := c.hello(t)
	wait := c.r.RateLimitNext()
	refusedAt := c.w.Srv.Clock.Now()
	c.write(t, sub.ID, "one")
	c.waitLast(t, sub.ID, "the refused attempt recorded", func(m beseda.Message) bool {
		return m.Status == beseda.MessagePending && m.NextAttemptAt != nil && m.Attempts == 0
	})
	c.w.Srv.Clock.Advance(wait + time.Second)
	m := c.waitLast(t, sub.ID, "sent after the rate limit", func(m beseda.Message) bool { return m.Status == beseda.MessageSent })
	if got := c.Sent(); len(got) != 1 || got[0].Text != "one" {
		t.Errorf("sent %+v", got)
	}
	if waited := m.SentAt.Sub(refusedAt); waited < wait {
		t.Errorf("sent again %v after the refusal, before the %v the platform asked for", waited, wait)
	}
	if m.Attempts != 0 || m.Reason != "" {
		t.Errorf("after a rate limit: %+v (a rate limit is not a failed attempt)", m)
	}
}

// notesNeverReachTheClient: a note managers leave each other in a dialog
// goes to no client, in no channel; the message written after it does, so
// delivery ran past the note.
func notesNeverReachTheClient(t *testing.T, c *conn) {
	sub := c.hello(t)
	d := c.w.CreateDialog(sub.ID, "Case")
	path := testkit.Path("/api/v1/dialogs/%d/messages", d.ID)
	c.w.Owner.MustDo("POST", path, map[string]any{"text": "secret note", "internal": true}, http.StatusCreated, nil)
	c.w.Owner.MustDo("POST", path, map[string]any{"text": "after the note"}, http.StatusCreated, nil)
	c.waitLast(t, sub.ID, "the message after the note sent", sent)
	var texts []string
	for _, s := range c.Sent() {
		texts = append(texts, s.Text)
	}
	if got := strings.Join(texts, "|"); got != "after the note" {
		t.Errorf("the client got %q", got)
	}
}
