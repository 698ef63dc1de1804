package whatsapp_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel/whatsapp"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/conformance"
	"github.com/beseda/beseda/internal/testkit/fakewhatsapp"
)

// TestConformance runs the channel conformance suite against the fake Cloud
// API: WhatsApp posts the entries of a batch in one signed body, names the
// client, and gives files by media id.
func TestConformance(t *testing.T) {
	t.Parallel()
	conformance.Run(t, whatsapp.New(), func(t *testing.T, w *testkit.World) conformance.Fake {
		return &fake{newNumberIn(t, w), t}
	})
}

// fake plays one client, waID, with the number.
type fake struct {
	*number
	t *testing.T
}

func (f *fake) Channel() testkit.ChannelInfo { return f.ch }
func (f *fake) Client() string               { return waID }

func (f *fake) Text(id, text string) conformance.Event {
	return fakewhatsapp.TextMessage(phoneID, waID, "Greta Client", "wamid."+id, text)
}

func (f *fake) Named(id, name, text string) conformance.Event {
	return fakewhatsapp.TextMessage(phoneID, waID, name, "wamid."+id, text)
}

func (f *fake) File(id, caption string, file conformance.File) conformance.Event {
	f.api.AddMedia("media-"+id, file.Type, file.Data)
	return fakewhatsapp.MediaMessage(phoneID, waID, "Greta Client", "wamid."+id, "document", "media-"+id, file.Type, caption, file.Name)
}

func (f *fake) LostFile(id, name string) conformance.Event {
	return fakewhatsapp.MediaMessage(phoneID, waID, "Greta Client", "wamid."+id, "document", "lost-"+id, "application/pdf", "", name)
}

func (f *fake) Tap(id string, b beseda.Button) conformance.Event {
	return fakewhatsapp.ButtonReply(phoneID, waID, "wamid."+id, b.Payload, b.Title)
}

// Post posts the events' entries in one body, as the Cloud API batches them.
func (f *fake) Post(t *testing.T, events ...conformance.Event) {
	t.Helper()
	var batch struct {
		Object string            `json:"object"`
		Entry  []json.RawMessage `json:"entry"`
	}
	for _, ev := range events {
		var body struct {
			Object string            `json:"object"`
			Entry  []json.RawMessage `json:"entry"`
		}
		if err := json.Unmarshal(ev, &body); err != nil {
			t.Fatal(err)
		}
		batch.Object, batch.Entry = body.Object, append(batch.Entry, body.Entry...)
	}
	body, _ := json.Marshal(batch)
	if res := f.post(t, body); res.Status != 200 {
		t.Fatalf("webhook: %d %s", res.Status, res.Body)
	}
}

func (f *fake) Sent() []conformance.Sent {
	var out []conformance.Sent
	for _, s := range f.api.Sent() {
		c := conformance.Sent{To: s.To, Text: s.Text + s.Caption}
		for _, b := range s.Buttons {
			c.Buttons = append(c.Buttons, beseda.Button{Title: b.Title, Payload: b.ID})
		}
		if s.File != nil {
			c.File = &conformance.File{Name: s.File.Name, Type: s.File.MimeType, Data: s.File.Data}
		}
		f.checkRendering(s)
		out = append(out, c)
	}
	return out
}

// checkRendering checks that a message is the Cloud API's way of sending
// what it carries: buttons as an interactive message, a picture as an
// image, other files as a document under their name, text as text.
func (f *fake) checkRendering(s fakewhatsapp.Sent) {
	want, filename := "text", ""
	switch {
	case len(s.Buttons) > 0:
		want = "interactive"
	case s.File != nil && strings.HasPrefix(s.File.MimeType, "image/"):
		want = "image"
	case s.File != nil:
		want, filename = "document", s.File.Name
	}
	if s.Type != want || s.Filename != filename {
		f.t.Errorf("sent as %s named %q, want %s named %q: %+v", s.Type, s.Filename, want, filename, s)
	}
}

func (f *fake) Calls() int { return f.api.Calls() }

func (f *fake) RateLimitNext() time.Duration {
	f.api.FailNext(400, 130429, "Rate limit hit")
	return time.Minute
}

func (f *fake) RefuseNext() string {
	f.api.FailNext(401, 190, "Error validating access token")
	return "190"
}

func (f *fake) BreakNext() { f.api.FailNext(500, 131000, "Something went wrong") }

func (f *fake) RefuseWindowNext() { f.api.FailNext(400, 131047, "Re-engagement message") }
